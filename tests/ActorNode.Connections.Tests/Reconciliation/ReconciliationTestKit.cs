using System.Net;
using System.Security.Cryptography;
using ActorNode.Connections.Reconciliation;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Connections.Tests.Reconciliation;

internal static class ReconciliationTestKit
{
    public static Hash256 RandomWtxid() => new(RandomNumberGenerator.GetBytes(32));

    public static List<Hash256> RandomWtxids(int n) => Enumerable.Range(0, n).Select(_ => RandomWtxid()).ToList();

    public static VersionMessage Version(int protocolVersion = 70016, bool relay = true) => new(protocolVersion,
        ServiceFlags.Network | ServiceFlags.Witness, 1_700_000_000,
        new NetAddress(ServiceFlags.None, IPAddress.Loopback, 8333), new NetAddress(ServiceFlags.None, IPAddress.Loopback, 8333),
        42, "/test/", 100, relay);

    /// <summary>Two trackers joined by one registered connection: A opened it (initiator), B accepted (responder).</summary>
    public sealed class Link
    {
        public const long PeerOfA = 1; // B, as A numbers it
        public const long PeerOfB = 2; // A, as B numbers it

        public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-07T00:00:00Z"));
        public TxReconciliationTracker A { get; }
        public TxReconciliationTracker B { get; }
        public ReconciliationKeys Keys { get; }

        public Link(CapacityFormula formula = CapacityFormula.CoreMinimum)
        {
            A = new TxReconciliationTracker(Time, formula);
            B = new TxReconciliationTracker(Time, formula);
            Keys = ReconciliationKeys.FromSalts(11, 22);
            Assert.True(A.RegisterPeer(PeerOfA, new ReconciliationRegistration.Registered(ReconciliationRole.Initiator, 1, Keys)));
            Assert.True(B.RegisterPeer(PeerOfB, new ReconciliationRegistration.Registered(ReconciliationRole.Responder, 1, Keys)));
        }

        public void AddToA(IEnumerable<Hash256> txs) { foreach (var t in txs) Assert.Equal(AddToSetOutcome.Added, A.AddToSet(PeerOfA, t).Outcome); }

        public void AddToB(IEnumerable<Hash256> txs) { foreach (var t in txs) Assert.Equal(AddToSetOutcome.Added, B.AddToSet(PeerOfB, t).Outcome); }

        /// <summary>One full round through the message codecs' objects: reqrecon → sketch → reconcildiff.</summary>
        public (SketchResult.Done AtA, DifferenceResult.Done AtB, SketchMessage Sketch) Round()
        {
            var request = A.InitiateReconciliation(PeerOfA);
            Assert.NotNull(request);
            Assert.Null(B.HandleRequest(PeerOfB, request));
            var sketch = B.RespondToRequest(PeerOfB);
            Assert.NotNull(sketch);
            var atA = Assert.IsType<SketchResult.Done>(A.HandleSketch(PeerOfA, sketch));
            var atB = Assert.IsType<DifferenceResult.Done>(B.HandleDifference(PeerOfB, atA.Difference));
            return (atA, atB, sketch);
        }
    }
}
