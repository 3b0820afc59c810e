using ActorNode.AddrBook.Persistence;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook;

public sealed partial class AddressBook
{
    /// <summary>The book as btcd's peers.json holds it (btcd savePeers, btcd addrmgr/addrmanager.go): version 2, the key, every
    /// address with its source, attempts, times ("never" as Go's zero time) and services, and the bucket contents as
    /// address keys (1,024 new buckets, 64 tried buckets, tried buckets in their order). Local addresses and the rate
    /// limit state are not saved, as in btcd and Core.</summary>
    public AddressBookSnapshot Export()
    {
        var addresses = new List<SerializedKnownAddress>(_index.Count);
        foreach (var entry in _index.Values)
        {
            addresses.Add(new SerializedKnownAddress(
                Addr: entry.Key,
                Src: AddressKey.Format(entry.Source),
                Attempts: entry.Attempts,
                TimeStamp: entry.Address.Timestamp,
                LastAttempt: ToSnapshotTime(entry.LastAttempt),
                LastSuccess: ToSnapshotTime(entry.LastSuccess),
                Services: (ulong)entry.Address.Services,
                SrcServices: (ulong)entry.Source.Services));
        }
        var newBuckets = new IReadOnlyList<string>[NewBucketCount];
        for (int i = 0; i < NewBucketCount; i++) newBuckets[i] = _new[i].Select(e => e.Key).ToArray();
        var triedBuckets = new IReadOnlyList<string>[TriedBucketCount];
        for (int i = 0; i < TriedBucketCount; i++) triedBuckets[i] = _tried[i].Select(e => e.Key).ToArray();
        return new AddressBookSnapshot(AddressBookSnapshot.CurrentVersion, Key, addresses, newBuckets, triedBuckets);
    }

    /// <summary>Rebuilds a book from a snapshot with btcd deserializePeers's checks, and throws
    /// <see cref="AddressBookFormatException"/> on any problem: a version above 2; a key that is not 32 bytes; an
    /// address or source key that does not parse (IP literals, bracketed IPv6, Tor v2 and v3 names; host names are
    /// not resolved); more than 1,024 new or 64 tried buckets; a bucket naming an address not in the list, or naming
    /// it twice; an address in no bucket, or in both tables; a time outside what a date can hold. Version 1 files
    /// (without services) get NODE_NETWORK for every address and source, as in btcd. Unlike btcd, which gives every
    /// loaded address the load time, each address keeps its saved timestamp. References and tried flags come from
    /// bucket membership.</summary>
    public static AddressBook Import(AddressBookSnapshot snapshot, TimeProvider? timeProvider = null,
        Random? random = null, AddressBookOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Version > AddressBookSnapshot.CurrentVersion)
            throw new AddressBookFormatException($"unknown version {snapshot.Version} in serialized address book");
        if (snapshot.Key is null || snapshot.Key.Length != KeySize)
            throw new AddressBookFormatException(
                $"the key has {snapshot.Key?.Length ?? 0} bytes; it must have {KeySize}");

        var book = new AddressBook(timeProvider, random, snapshot.Key, options);
        bool version1 = snapshot.Version == 1;
        foreach (var saved in snapshot.Addresses ?? [])
        {
            if (saved is null) throw new AddressBookFormatException("an address entry is null");
            var services = version1 ? ServiceFlags.Network : (ServiceFlags)saved.Services;
            var sourceServices = version1 ? ServiceFlags.Network : (ServiceFlags)saved.SrcServices;
            uint timestamp = (uint)Math.Clamp(saved.TimeStamp, 0, uint.MaxValue);
            var address = ParseSaved(saved.Addr, services, timestamp);
            var source = ParseSaved(saved.Src, sourceServices, 0);
            var entry = new KnownAddress(address, source, AddressKey.Format(address), book.Options.Scope)
            {
                Attempts = saved.Attempts,
                LastAttempt = FromSnapshotTime(saved.LastAttempt, saved.Addr, "LastAttempt"),
                LastSuccess = FromSnapshotTime(saved.LastSuccess, saved.Addr, "LastSuccess"),
            };
            book._index[entry.Key] = entry; // a repeated key: the last one wins, as in btcd
        }

        var newBuckets = snapshot.NewBuckets ?? [];
        if (newBuckets.Count > NewBucketCount)
            throw new AddressBookFormatException($"{newBuckets.Count} new buckets; there are {NewBucketCount}");
        for (int i = 0; i < newBuckets.Count; i++)
        {
            foreach (string key in newBuckets[i] ?? [])
            {
                var entry = book.Lookup(key, $"new bucket {i}");
                if (entry.NewBuckets.Contains(i))
                    throw new AddressBookFormatException($"new bucket {i} contains {key} twice");
                if (entry.References == 0) book._newCount++;
                entry.NewBuckets.Add(i);
                book._new[i].Add(entry);
            }
        }

        var triedBuckets = snapshot.TriedBuckets ?? [];
        if (triedBuckets.Count > TriedBucketCount)
            throw new AddressBookFormatException($"{triedBuckets.Count} tried buckets; there are {TriedBucketCount}");
        for (int i = 0; i < triedBuckets.Count; i++)
        {
            foreach (string key in triedBuckets[i] ?? [])
            {
                var entry = book.Lookup(key, $"tried bucket {i}");
                if (entry.IsTried) throw new AddressBookFormatException($"{key} is in the tried table twice");
                entry.IsTried = true;
                book._triedCount++;
                book._tried[i].Add(entry);
            }
        }

        foreach (var (key, entry) in book._index)
        {
            if (entry.References == 0 && !entry.IsTried)
                throw new AddressBookFormatException($"address {key} is in no bucket");
            if (entry.References > 0 && entry.IsTried)
                throw new AddressBookFormatException($"address {key} is both new and tried");
        }
        return book;
    }

    private KnownAddress Lookup(string? key, string where)
    {
        if (key is null) throw new AddressBookFormatException($"{where} contains a null address");
        return _index.TryGetValue(key, out var entry)
            ? entry
            : throw new AddressBookFormatException($"{where} contains {key} but the address list does not");
    }

    private static NetAddressV2 ParseSaved(string? key, ServiceFlags services, uint timestamp) =>
        AddressKey.TryParse(key, services, timestamp, out var address, out string? error)
            ? address
            : throw new AddressBookFormatException($"failed to read address '{key}': {error}");

    private static long ToSnapshotTime(DateTimeOffset? time) =>
        time?.ToUnixTimeSeconds() ?? AddressBookSnapshot.GoZeroTime;

    private static DateTimeOffset? FromSnapshotTime(long seconds, string? address, string field)
    {
        if (seconds == AddressBookSnapshot.GoZeroTime) return null;
        if (seconds < AddressBookSnapshot.GoZeroTime || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            throw new AddressBookFormatException($"{field} {seconds} of address {address} is out of range");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
