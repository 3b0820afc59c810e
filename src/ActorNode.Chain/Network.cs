using ActorNode.Wire.Primitives;

namespace ActorNode.Chain;

/// <summary>The Bitcoin networks ActorNode can join (btcd chaincfg's MainNetParams, TestNet3Params,
/// TestNet4Params, SigNetParams and RegressionNetParams; btcd's simnet is left out). The default is
/// <see cref="Signet"/>: a public test network where mistakes cost nothing.</summary>
public enum Network
{
    Mainnet,
    Testnet3,
    Testnet4,
    Signet,
    Regtest,
}

/// <summary>A known-good block: a block at <see cref="Height"/> must have <see cref="Hash"/>, and no fork may
/// branch off below the newest checkpoint on the main chain (btcd chaincfg.Checkpoint).</summary>
public readonly record struct Checkpoint(int Height, Hash256 Hash);

/// <summary>A DNS seed host. <see cref="HasFiltering"/> says whether it answers service-flag subdomains such as
/// <c>x9.seed.example</c> (btcd chaincfg.DNSSeed). A few signet entries are literal addresses, not host names;
/// btcd sends them through the same lookup path, which simply returns the address.</summary>
public sealed record DnsSeed(string Host, bool HasFiltering)
{
    public override string ToString() => Host;
}
