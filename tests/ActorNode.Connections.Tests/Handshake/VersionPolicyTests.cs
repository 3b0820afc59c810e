using ActorNode.Connections.Handshake;
using ActorNode.Wire;

namespace ActorNode.Connections.Tests.Handshake;

/// <summary>btcd server OnVersion and the nonce check, as the manager rules on a version.</summary>
public sealed class VersionPolicyTests
{
    private const ServiceFlags Full = ServiceFlags.Network | ServiceFlags.Witness;

    [Fact]
    public void OurOwnNonce_IsAConnectionToSelf_AndComesBeforeEverything()
    {
        Assert.Equal("connected to self", VersionPolicy.Rule(ourNonce: true, banned: true, inbound: false, ServiceFlags.None).Reason);
    }

    [Fact]
    public void ABannedAddress_IsRefused_InOrOut()
    {
        Assert.Equal("banned", VersionPolicy.Rule(false, banned: true, inbound: true, Full).Reason);
        Assert.Equal("banned", VersionPolicy.Rule(false, banned: true, inbound: false, Full).Reason);
    }

    [Fact]
    public void AnOutboundPeer_MustServeTheChainWithWitnesses_AnInboundOneNeedNot()
    {
        var noNetwork = VersionPolicy.Rule(false, false, inbound: false, ServiceFlags.Witness);
        Assert.Equal("required services 1 not offered", noNetwork.Reason);
        Assert.True(noNetwork.SendReject); // btcd sends a reject
        var noWitness = VersionPolicy.Rule(false, false, inbound: false, ServiceFlags.Network);
        Assert.Equal("peer does not offer witness data", noWitness.Reason);
        Assert.False(noWitness.SendReject);
        Assert.True(VersionPolicy.Rule(false, false, inbound: false, Full).IsAccepted);
        Assert.True(VersionPolicy.Rule(false, false, inbound: true, ServiceFlags.None).IsAccepted);
    }
}
