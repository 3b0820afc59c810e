using ActorNode.Chain.Headers;
using ActorNode.Connections.Handshake;
using ActorNode.Sync;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Sync;

/// <summary>The SyncActor's record of each ready peer.</summary>
public sealed partial class SyncActor
{
    /// <summary>What the SyncActor knows of one ready peer.</summary>
    private sealed class SyncPeer(long id, IActorRef actor, ServiceFlags services, int startHeight, HandshakeResult handshake)
    {
        public long Id { get; } = id;
        public IActorRef Actor { get; } = actor;
        public ServiceFlags Services { get; } = services;
        public int StartHeight { get; } = startHeight;
        public bool WantsWtxid { get; } = handshake.WantsWtxidRelay;
        public bool Witness { get; } = handshake.Witness;
        /// <summary>The user agent of its version message (the lab names its nodes there).</summary>
        public string UserAgent { get; } = handshake.Remote.UserAgent;
        /// <summary>Our getheaders not yet answered: a headers message while none is outstanding is an announcement.</summary>
        public int HeadersRequested { get; set; }
        /// <summary>Full nodes and pruned nodes serve blocks (btcd: NODE_NETWORK; Core: also NODE_NETWORK_LIMITED).</summary>
        public bool CanServeBlocks => !DownloadDropped && (Services & (ServiceFlags.Network | ServiceFlags.NetworkLimited)) != 0;
        /// <summary>Disconnected for a block download fault: the scheduler no longer knows it.</summary>
        public bool DownloadDropped { get; set; }
        public HeaderPresync? Presync { get; set; }
        public BlockNode? BestKnown { get; set; }
        public int UnconnectingHeaders { get; set; }
        /// <summary>The last block of a full getblocks answer (btcd continueHash).</summary>
        public Hash256? ContinueHash { get; set; }
        /// <summary>Transactions asked of this peer and not yet answered (at most 100).</summary>
        public int TxInFlight { get; set; }
        /// <summary>Transactions announced and not yet asked for (bounded).</summary>
        public Queue<InvVector> TxToRequest { get; } = new();
    }
}
