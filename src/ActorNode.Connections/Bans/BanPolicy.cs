namespace ActorNode.Connections.Bans;

/// <summary>When a score becomes a ban, and for how long (btcd config.go: <c>--banthreshold</c> 100,
/// <c>--banduration</c> 24 h with a 1 s minimum, <c>--nobanning</c>). A peer is banned when its score
/// <em>exceeds</em> <see cref="Threshold"/> (strictly, as btcd); a warning is due above half of it.</summary>
public sealed record BanPolicy
{
    /// <summary>btcd <c>defaultBanThreshold</c>.</summary>
    public const uint DefaultThreshold = 100;

    /// <summary>btcd <c>defaultBanDuration</c>.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(24);

    /// <summary>The default policy: threshold 100, 24 h, banning on.</summary>
    public static BanPolicy Default { get; } = new();

    /// <summary>A score strictly above this bans.</summary>
    public uint Threshold { get; init; } = DefaultThreshold;

    /// <summary>How long a ban lasts (at least one second).</summary>
    public TimeSpan Duration
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromSeconds(1));
            field = value;
        }
    } = DefaultDuration;

    /// <summary>btcd <c>--nobanning</c>: nothing is scored and nobody is banned.</summary>
    public bool Disabled { get; init; }

    /// <summary>A score strictly above this is logged as a warning (btcd <c>BanThreshold &gt;&gt; 1</c>).</summary>
    public uint WarnThreshold => Threshold >> 1;
}
