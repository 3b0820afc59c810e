namespace ActorNode.Fuzz.Targets;

/// <summary>All targets, by name.</summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new FrameTarget(),
        new MessageTarget(),
        new BlockTarget(),
        new TransactionTarget(),
        new PeersJsonTarget(),
        new BanListTarget(),
        // BIP324: add the v2 packet decoder's target here once its project lands (issue 16; being written in a
        // separate project). It follows the same contract: only its documented error escapes (the cipher's
        // decryption failure / WireException), no hang, allocation bounded by the input. Give it a corpus folder
        // corpus/bip324/ seeded from ../shared/data/bip324 (the BIP324 test vectors) and a line in docs/fuzzing.md.
    ];

    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");
}
