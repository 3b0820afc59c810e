using System.Net;

namespace ActorNode.Connections.Bans;

/// <summary>One banned IP: banned at <paramref name="Created"/> until <paramref name="Until"/> (exclusive), for
/// <paramref name="Reason"/> (free text for operators; may be null). <paramref name="Address"/> is canonical
/// (<see cref="IpKey"/>).</summary>
public sealed record BanEntry(IPAddress Address, DateTimeOffset Created, DateTimeOffset Until, string? Reason = null)
{
    /// <summary>Whether the ban is in force at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => now < Until;
}

/// <summary>The banned IPs (btcd <c>peerState.banned</c>: host → until, checked in <c>handleAddPeerMsg</c>), with
/// what btcd lacks: a whitelist that is never banned, unbanning and listing (Core's <c>setban</c> /
/// <c>listbanned</c> / <c>clearbanned</c>), and a snapshot for <see cref="BanListFile"/> so bans survive a restart.
/// Keys are canonical IPs (<see cref="IpKey"/>); there are no subnet bans. Expired entries are ignored by every
/// query and dropped lazily (btcd deletes an expired ban when that host next connects) or by
/// <see cref="RemoveExpired()"/>. <see cref="IsDirty"/> tells the owner when a save is due.
/// <para>Not thread-safe: owned by one actor.</para></summary>
public sealed class BanList
{
    private readonly Dictionary<string, BanEntry> bans = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    /// <summary>An empty list. Bans last <paramref name="defaultDuration"/> unless a ban says otherwise (default
    /// 24 h, btcd <c>--banduration</c>); <paramref name="whitelist"/> is never banned.</summary>
    public BanList(IpWhitelist? whitelist = null, TimeProvider? timeProvider = null, TimeSpan? defaultDuration = null)
    {
        Whitelist = whitelist ?? IpWhitelist.Empty;
        time = timeProvider ?? TimeProvider.System;
        DefaultDuration = defaultDuration ?? BanPolicy.DefaultDuration;
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultDuration, TimeSpan.FromSeconds(1));
    }

    /// <summary>IPs that are never banned (and never reported banned, even if a loaded file lists them).</summary>
    public IpWhitelist Whitelist { get; }

    /// <summary>How long a ban lasts when <see cref="Ban"/> is not told.</summary>
    public TimeSpan DefaultDuration { get; }

    /// <summary>Entries held, including expired ones not yet dropped.</summary>
    public int Count => bans.Count;

    /// <summary>Whether the list changed since <see cref="MarkSaved"/> (or since it was created).</summary>
    public bool IsDirty { get; private set; }

    /// <summary>Records that the current content has been saved.</summary>
    public void MarkSaved() => IsDirty = false;

    /// <summary>Bans <paramref name="address"/> from now for <paramref name="duration"/> (default
    /// <see cref="DefaultDuration"/>). A whitelisted address is not banned (returns false). An existing ban is
    /// only ever lengthened, never shortened (Bitcoin Core <c>BanMan::Ban</c>; btcd overwrites).</summary>
    public bool Ban(IPAddress address, string? reason = null, TimeSpan? duration = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        TimeSpan length = duration ?? DefaultDuration;
        ArgumentOutOfRangeException.ThrowIfLessThan(length, TimeSpan.FromSeconds(1));
        if (Whitelist.Contains(address))
            return false;

        DateTimeOffset now = time.GetUtcNow();
        IPAddress ip = IpKey.Normalize(address);
        string key = ip.ToString();
        var entry = new BanEntry(ip, now, now + length, reason);
        if (bans.TryGetValue(key, out BanEntry? existing) && existing.IsActiveAt(now) && existing.Until >= entry.Until)
            return true;
        bans[key] = entry;
        IsDirty = true;
        return true;
    }

    /// <summary>Whether <paramref name="address"/> is banned now.</summary>
    public bool IsBanned(IPAddress address) => IsBanned(address, time.GetUtcNow());

    /// <summary>Whether <paramref name="address"/> is banned at <paramref name="now"/> (an expired entry met here
    /// is dropped, as btcd's <c>handleAddPeerMsg</c> does).</summary>
    public bool IsBanned(IPAddress address, DateTimeOffset now) => Find(address, now) is not null;

    /// <summary>The ban in force on <paramref name="address"/> at <paramref name="now"/>, or null.</summary>
    public BanEntry? Find(IPAddress address, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (Whitelist.Contains(address))
            return null;
        string key = IpKey.Of(address);
        if (!bans.TryGetValue(key, out BanEntry? entry))
            return null;
        if (entry.IsActiveAt(now))
            return entry;
        bans.Remove(key);
        IsDirty = true;
        return null;
    }

    /// <summary>Lifts the ban on <paramref name="address"/>. Returns whether there was one in force.</summary>
    public bool Unban(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!bans.Remove(IpKey.Of(address), out BanEntry? entry))
            return false;
        IsDirty = true;
        return entry.IsActiveAt(time.GetUtcNow());
    }

    /// <summary>Lifts every ban (Core <c>clearbanned</c>).</summary>
    public void Clear()
    {
        if (bans.Count == 0)
            return;
        bans.Clear();
        IsDirty = true;
    }

    /// <summary>The bans in force now, whitelisted ones left out, ordered by address text (ordinal).</summary>
    public IReadOnlyList<BanEntry> List() => List(time.GetUtcNow());

    /// <summary>The bans in force at <paramref name="now"/>, whitelisted ones left out, ordered by address text.</summary>
    public IReadOnlyList<BanEntry> List(DateTimeOffset now) =>
        bans.Where(b => b.Value.IsActiveAt(now) && !Whitelist.Contains(b.Value.Address))
            .OrderBy(b => b.Key, StringComparer.Ordinal)
            .Select(b => b.Value)
            .ToList();

    /// <summary>Drops every expired entry; returns how many.</summary>
    public int RemoveExpired() => RemoveExpired(time.GetUtcNow());

    /// <summary>Drops every entry expired at <paramref name="now"/>; returns how many.</summary>
    public int RemoveExpired(DateTimeOffset now)
    {
        var expired = bans.Where(b => !b.Value.IsActiveAt(now)).Select(b => b.Key).ToList();
        foreach (string key in expired)
            bans.Remove(key);
        if (expired.Count > 0)
            IsDirty = true;
        return expired.Count;
    }

    /// <summary>Adds loaded <paramref name="entries"/> (from <see cref="BanListFile.Load"/>) without marking the list
    /// dirty. Expired entries are skipped; for an IP already present the later expiry wins. Returns how many were
    /// taken.</summary>
    public int Restore(IEnumerable<BanEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        DateTimeOffset now = time.GetUtcNow();
        int taken = 0;
        foreach (BanEntry loaded in entries)
        {
            if (!loaded.IsActiveAt(now))
                continue;
            BanEntry entry = loaded with { Address = IpKey.Normalize(loaded.Address) };
            string key = entry.Address.ToString();
            if (bans.TryGetValue(key, out BanEntry? existing) && existing.Until >= entry.Until)
                continue;
            bans[key] = entry;
            taken++;
        }
        return taken;
    }
}
