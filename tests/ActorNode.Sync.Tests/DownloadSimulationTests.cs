using ActorNode.Wire.Primitives;
using Microsoft.Extensions.Time.Testing;
using static ActorNode.Sync.Tests.ChainFixture;

namespace ActorNode.Sync.Tests;

/// <summary>A whole download in simulated time: the test plays the SyncActor and the peers.</summary>
public class DownloadSimulationTests
{
    private enum Behaviour { Honest, Silent, NotFound }

    private sealed class SimPeer(long id, Behaviour behaviour, int blocksPerTick)
    {
        public readonly long Id = id;
        public readonly Behaviour Behaviour = behaviour;
        public readonly int BlocksPerTick = blocksPerTick;
        public readonly Queue<Hash256> Asked = new();
        public int Requests;
        public bool Connected = true;
    }

    [Fact]
    public void TenThousandBlocks_EightPeers_TwoWithholding_EveryBlockOnceAndOnlyAsRequested()
    {
        const int length = 10_000;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var s = new BlockDownloadScheduler(time, tipHeight: 0);
        s.SetChain(1, Hashes(1, length));

        var peers = new List<SimPeer>
        {
            new(1, Behaviour.Honest, 1), new(2, Behaviour.Honest, 2), new(3, Behaviour.Honest, 3),
            new(4, Behaviour.Silent, 0), new(5, Behaviour.Honest, 1), new(6, Behaviour.NotFound, 0),
            new(7, Behaviour.Honest, 4), new(8, Behaviour.Honest, 2),
        };
        foreach (var p in peers)
        {
            s.AddPeer(p.Id);
            s.UpdatePeerBest(p.Id, length, Hash(length));
        }

        var inFlight = new Dictionary<Hash256, long>();   // what the test believes is in flight, and with whom
        var received = new HashSet<Hash256>();
        var faults = new List<PeerFault>();
        var contiguous = 0;

        void Send(long peerId, IReadOnlyList<BlockRequest> requests)
        {
            var peer = peers.Single(p => p.Id == peerId);
            Assert.True(peer.Connected);
            Assert.True(s.InFlightFrom(peerId) <= BlockDownloadScheduler.MaxBlocksInTransitPerPeer);
            foreach (var r in requests)
            {
                Assert.False(received.Contains(r.Hash), $"block {r.Height} asked for again after it came");
                Assert.True(inFlight.TryAdd(r.Hash, peerId), $"block {r.Height} asked of two peers at once");
                Assert.InRange(r.Height, s.WindowStart, s.WindowEnd);
                peer.Asked.Enqueue(r.Hash);
                peer.Requests++;
            }
        }

        void Drop(long peerId)
        {
            var peer = peers.Single(p => p.Id == peerId);
            peer.Connected = false;
            peer.Asked.Clear();
            foreach (var hash in inFlight.Where(kv => kv.Value == peerId).Select(kv => kv.Key).ToList())
                inFlight.Remove(hash);
        }

        var ticks = 0;
        while (received.Count < length)
        {
            Assert.True(++ticks < 200_000, "the download did not finish");
            time.Advance(TimeSpan.FromMilliseconds(100));

            foreach (var peer in peers.Where(p => p.Connected))
            {
                switch (peer.Behaviour)
                {
                    case Behaviour.Honest:
                        for (var i = 0; i < peer.BlocksPerTick && peer.Asked.Count > 0; i++)
                        {
                            var hash = peer.Asked.Dequeue();
                            Assert.Equal(BlockReceipt.Requested, s.BlockReceived(peer.Id, hash));
                            Assert.Equal(peer.Id, inFlight[hash]);
                            inFlight.Remove(hash);
                            Assert.True(received.Add(hash), "a block came twice");
                        }
                        break;
                    case Behaviour.NotFound:
                        while (peer.Asked.Count > 0)
                        {
                            var hash = peer.Asked.Dequeue();
                            Assert.True(s.NotFound(peer.Id, hash));
                            inFlight.Remove(hash);
                        }
                        break;
                    case Behaviour.Silent:
                        break;
                }
            }

            // The caller connects what is contiguous.
            while (contiguous < length && received.Contains(Hash(contiguous + 1))) contiguous++;
            s.SetTip(contiguous);

            foreach (var fault in s.CheckPeers())
            {
                faults.Add(fault);
                Drop(fault.PeerId);
            }
            foreach (var (peerId, requests) in s.ScheduleAll()) Send(peerId, requests);
        }

        Assert.Equal(length, received.Count);
        Assert.Equal(length, s.TipHeight);
        Assert.True(s.IsComplete);
        Assert.Equal(0, s.InFlightCount);
        Assert.Empty(inFlight);

        // The silent peer held the bottom of the window and was named a staller; nobody honest was.
        var silentFault = Assert.Single(faults);
        Assert.Equal(4, silentFault.PeerId);
        Assert.Equal(DownloadFault.StallingWindow, silentFault.Fault);
        Assert.All(peers.Where(p => p.Behaviour == Behaviour.Honest), p => Assert.True(p.Connected));

        // The notfound peer was asked once (its first 16) and never again after it said it lacked them.
        Assert.Equal(BlockDownloadScheduler.MaxBlocksInTransitPerPeer, peers.Single(p => p.Id == 6).Requests);

        // Every honest delivery was one request: requests to honest peers == blocks received.
        Assert.Equal(length, peers.Where(p => p.Behaviour == Behaviour.Honest).Sum(p => p.Requests));
    }
}
