namespace ActorNode.Host;

/// <summary>Network name -> frame magic (reference §7, btcd chaincfg Net values). A stop-gap table: it moves to
/// ActorNode.Chain's ChainParams once that exists.</summary>
internal static class Networks
{
    public const string Default = "mainnet";

    public static readonly IReadOnlyDictionary<string, uint> Magic = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["mainnet"] = 0xD9B4BEF9,
        ["testnet3"] = 0x0709110B,
        ["testnet4"] = 0x283F161C,
        ["signet"] = 0x40CF030A,
        ["regtest"] = 0xDAB5BFFA,
    };

    public static string[] Names => [.. Magic.Keys];
}
