namespace ActorNode.Chain.Blocks;

/// <summary>Where a block sits, for the checks that depend on it (Core validation.cpp <c>ContextualCheckBlock</c>,
/// btcd blockchain <c>checkBlockContext</c>): its height, which soft forks are active there, and the time lock
/// times are judged against.
/// <para><see cref="PreviousMedianTimePast"/> is the median time of the 11 blocks before this one; from the CSV
/// height (BIP113) lock times are judged against it. When the caller does not know it, the block's own timestamp is
/// used, which is never earlier than that median, so a valid block is never refused for it; a block that is
/// non-final only under BIP113 then slips through.</para></summary>
public sealed record BlockCheckContext(int Height, bool Bip34Active, bool CsvActive, bool SegwitActive,
    uint? PreviousMedianTimePast = null)
{
    /// <summary>The context of a block at <paramref name="height"/> on <paramref name="chain"/>.</summary>
    public static BlockCheckContext For(ChainParams chain, int height, uint? previousMedianTimePast = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        return new BlockCheckContext(height,
            Bip34Active: height >= chain.Bip34Height,
            CsvActive: height >= Deployments.CsvHeight(chain.Network),
            SegwitActive: height >= Deployments.SegwitHeight(chain.Network),
            previousMedianTimePast);
    }
}

/// <summary>Buried soft-fork heights the block checks need and <see cref="ChainParams"/> does not carry yet
/// (Bitcoin Core kernel/chainparams.cpp <c>CSVHeight</c> and <c>SegwitHeight</c>). They belong in ChainParams; kept
/// here so the block checks do not edit it while the header chain work does.</summary>
public static class Deployments
{
    /// <summary>BIP68/112/113 (CSV): from here lock times are judged against the median time past.</summary>
    public static int CsvHeight(Network network) => network switch
    {
        Network.Mainnet => 419_328,   // 000000000000000004a1b34462cb8aeebd5799177f7a29cf28f2d1961716b5b5
        Network.Testnet3 => 770_112,  // 00000000025e930139bac5c6c31a403776da130831ab85be56578f3fa75369bb
        Network.Testnet4 or Network.Signet or Network.Regtest => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(network)),
    };

    /// <summary>BIP141 (segwit): from here witness data needs a commitment in the coinbase; before it any witness
    /// data in a block is "unexpected-witness".</summary>
    public static int SegwitHeight(Network network) => network switch
    {
        Network.Mainnet => 481_824,   // 0000000000000000001c8018d9cb3b742ef25114f27563e3fc4a1902167f9893
        Network.Testnet3 => 834_624,  // 00000000002b980fcd729daaa248fd9316a5200e9b367f4ff2c42453e84201ca
        Network.Testnet4 or Network.Signet => 1,
        Network.Regtest => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(network)),
    };
}
