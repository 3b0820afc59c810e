using ActorNode.AddrBook.Persistence;
using ActorNode.Connections.Bans;

namespace ActorNode.Fuzz.Targets;

/// <summary>The peers.json reader (src/ActorNode.AddrBook/Persistence/PeersJson.cs). Its documented error is
/// <see cref="PeersFileFormatException"/>. Checks: a file that reads writes back out, and what it writes reads back
/// to a file with the same bytes.</summary>
public sealed class PeersJsonTarget : FuzzTarget
{
    public override string Name => "peers";

    public override string Description => "PeersJson.Parse (peers.json) + serialise round trip";

    public override bool IsExpected(Exception exception) => exception is PeersFileFormatException;

    /// <summary>Twice the wire targets' factor: System.Text.Json's error for an invalid literal quotes the rest of
    /// the token, transcoded, which for a 14 KB token is about 40 bytes per input byte (still linear;
    /// crashes/peers/ holds the input that showed it).</summary>
    public override long AllocationBound(int inputLength) => 64 * 1024 + 64L * inputLength;

    public override void Run(ReadOnlySpan<byte> input)
    {
        var snapshot = PeersJson.Parse(input.ToArray());
        byte[] written = PeersJson.Serialize(snapshot);
        AddressBookSnapshot again;
        try
        {
            again = PeersJson.Parse(written);
        }
        catch (PeersFileFormatException e)
        {
            throw new FuzzContractException($"peers: a file that read writes back as one that does not: {e.Message}", e);
        }
        if (!written.AsSpan().SequenceEqual(PeersJson.Serialize(again)))
            throw new FuzzContractException("peers: writing the re-read snapshot gives other bytes");
    }
}

/// <summary>The banlist.json reader (src/ActorNode.Connections/Bans/BanListFile.cs). Its documented error is
/// <see cref="FormatException"/> (the file is then moved aside). Checks: the bans it returns are in force, one per
/// address, and written back out they read as the same bans with none dropped.</summary>
public sealed class BanListTarget : FuzzTarget
{
    /// <summary>A fixed "now" (2026-01-01), so an input means the same on every run.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override string Name => "banlist";

    public override string Description => "BanListFile.Parse (banlist.json) + serialise round trip";

    public override bool IsExpected(Exception exception) => exception is FormatException;

    /// <summary>Twice the wire targets' factor: System.Text.Json's error for an invalid literal quotes the rest of
    /// the token, transcoded, which for a 14 KB token is about 40 bytes per input byte (still linear;
    /// the same reader as peers.json).</summary>
    public override long AllocationBound(int inputLength) => 64 * 1024 + 64L * inputLength;

    public override void Run(ReadOnlySpan<byte> input)
    {
        var (entries, dropped) = BanListFile.Parse(input, Now);
        if (dropped < 0) throw new FuzzContractException($"banlist: {dropped} entries dropped");
        if (entries.Select(e => e.Address).Distinct().Count() != entries.Count)
            throw new FuzzContractException("banlist: an address is banned twice");
        if (entries.Any(e => !e.IsActiveAt(Now)))
            throw new FuzzContractException("banlist: a ban that has ended was kept");

        byte[] written = BanListFile.Serialize(entries);
        (IReadOnlyList<BanEntry> Entries, int Dropped) again;
        try
        {
            again = BanListFile.Parse(written, Now);
        }
        catch (FormatException e)
        {
            throw new FuzzContractException($"banlist: the bans it read write back as a file it cannot read: {e.Message}", e);
        }
        if (again.Dropped != 0 || again.Entries.Count != entries.Count)
            throw new FuzzContractException(
                $"banlist: {entries.Count} bans written, {again.Entries.Count} read back ({again.Dropped} dropped)");
        var byAddress = again.Entries.ToDictionary(e => e.Address);
        foreach (var entry in entries)
        {
            if (!byAddress.TryGetValue(entry.Address, out var back) ||
                back.Created.ToUnixTimeSeconds() != entry.Created.ToUnixTimeSeconds() ||
                back.Until.ToUnixTimeSeconds() != entry.Until.ToUnixTimeSeconds() || back.Reason != entry.Reason)
                throw new FuzzContractException($"banlist: the ban of {entry.Address} reads back as {back?.ToString() ?? "nothing"}");
        }
    }
}
