using System.Net;
using ActorNode.AddrBook;
using ActorNode.AddrBook.Persistence;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using BenchmarkDotNet.Attributes;

namespace ActorNode.Benchmarks;

/// <summary>The address book at scale: adding 100,000 addresses, 1,000,000 picks from a full book, and saving and
/// loading a full book's peers.json. Bytes per address come from the memory diagnoser's figure for the add run.</summary>
[Config(typeof(WireConfig))]
public class AddrBookBenchmarks
{
    private const int AddressCount = 100_000;
    private const int Picks = 1_000_000;

    private NetAddressV2[] _addresses = [];
    private NetAddressV2[] _sources = [];
    private AddressBook _full = null!;
    private AddressBookSnapshot _snapshot = null!;
    private PeersFile _file = null!;
    private string _dir = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        uint now = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _addresses = new NetAddressV2[AddressCount];
        for (int i = 0; i < AddressCount; i++)
        {
            var ip = new IPAddress([(byte)random.Next(1, 224), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(1, 255)]);
            _addresses[i] = NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network | ServiceFlags.Witness, ip, 8333, now));
        }
        _sources = Enumerable.Range(0, 2000).Select(i =>
            NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network, new IPAddress([(byte)(i % 200 + 11), (byte)(i / 200), 1, 1]), 8333, now))).ToArray();
        _full = Fill();
        for (int i = 0; i < 5000; i++) _full.Good(_full.GetAddress()!.Address);
        _snapshot = _full.Export();
        _dir = Directory.CreateTempSubdirectory("addrbook-bench-").FullName;
        _file = PeersFile.InDirectory(_dir);
        _file.Save(_snapshot);
        // The figures docs/benchmarks.md needs beside the timings: how full the book is, and its cost per address.
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var retained = Fill();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// full book: {_full.Count} addresses ({_full.NewCount} new, {_full.TriedCount} tried); " +
                          $"{(after - before) / (double)retained.Count:F0} bytes of memory per address; " +
                          $"peers.json {new FileInfo(_file.FilePath).Length / (double)_full.Count:F0} bytes per address");
        GC.KeepAlive(retained);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private AddressBook Fill()
    {
        var book = new AddressBook(random: new Random(1), options: AddressBookOptions.Btcd);
        for (int i = 0; i < _addresses.Length; i += 50)
            book.AddAddresses(new ArraySegment<NetAddressV2>(_addresses, i, 50), _sources[i / 50 % _sources.Length], AddressOrigin.DnsSeed);
        return book;
    }

    [Benchmark(OperationsPerInvoke = AddressCount)]
    public int Add100k() => Fill().Count;

    [Benchmark(OperationsPerInvoke = Picks)]
    public int Pick1M()
    {
        int found = 0;
        for (int i = 0; i < Picks; i++)
            if (_full.GetAddress() is not null) found++;
        return found;
    }

    [Benchmark]
    public void SaveFullBook() => _file.Save(_full.Export());

    [Benchmark]
    public int LoadFullBook()
    {
        var loaded = (PeersLoadResult.Loaded)_file.Load();
        return AddressBook.Import(loaded.Snapshot).Count;
    }
}
