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
        new V2PacketTarget(),
    ];

    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");
}
