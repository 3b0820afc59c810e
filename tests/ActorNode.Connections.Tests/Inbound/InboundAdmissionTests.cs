using System.Net;
using ActorNode.Connections.Inbound;

namespace ActorNode.Connections.Tests.Inbound;

/// <summary>btcd internal/inbound/admission_test.go (the pending-handshake tests) and server_test.go
/// (TestInboundPeerAdmissionSourceLimits, TestHandshakeReleaseOnDisconnect), ported.</summary>
public sealed class InboundAdmissionTests
{
    // btcd TestInboundSourcePrefix
    [Theory]
    [InlineData("192.0.2.99", "192.0.2.0/24")]
    [InlineData("::ffff:192.0.2.99", "192.0.2.0/24")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("fe80::1234%3", "fe80::/64")]
    public void SourcePrefix_AddressForms_Normalised(string address, string prefix)
    {
        Assert.Equal(IPNetwork.Parse(prefix), InboundAdmission.SourcePrefix(IPAddress.Parse(address)));
    }

    // btcd TestInboundSourcePrefixIgnoresPort, as a property over the address bytes (ports never reach us).
    [Fact]
    public void SourcePrefix_SameSlash24_SamePrefix()
    {
        var random = new Random(24);
        for (int i = 0; i < 1000; i++)
        {
            var bytes = new byte[4];
            random.NextBytes(bytes);
            var a = new IPAddress(bytes);
            bytes[3] = (byte)random.Next(256);
            var b = new IPAddress(bytes);

            Assert.Equal(InboundAdmission.SourcePrefix(a), InboundAdmission.SourcePrefix(b));
            Assert.Equal(InboundAdmission.SourcePrefix(a), InboundAdmission.SourcePrefix(a.MapToIPv6()));
        }
    }

    // btcd TestIsLoopback
    [Theory]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("192.0.2.1", false)]
    public void IsLoopback_Forms(string address, bool expected)
    {
        Assert.Equal(expected, InboundAdmission.IsLoopback(IPAddress.Parse(address)));
    }

    // btcd TestInboundSourceAdmission
    [Fact]
    public void TryAdmit_PerPrefixLimitAndExactRelease_MapCleaned()
    {
        var admission = new InboundAdmission(maxPendingPerSource: 2);
        var sourceA1 = IPAddress.Parse("192.0.2.1");
        var sourceA2 = IPAddress.Parse("192.0.2.200");
        var sourceB = IPAddress.Parse("192.0.3.1");

        Assert.True(admission.TryAdmit(sourceA1, out AdmissionTicket a1));
        Assert.True(admission.TryAdmit(sourceA2, out AdmissionTicket a2));
        Assert.False(admission.TryAdmit(sourceA1, out _));
        Assert.True(admission.TryAdmit(sourceB, out AdmissionTicket b), "an independent prefix should remain admissible");

        Assert.True(admission.HandshakeDone(a1));
        Assert.False(admission.Closed(a1));
        Assert.True(admission.TryAdmit(sourceA1, out AdmissionTicket replacement));
        Assert.False(admission.TryAdmit(sourceA1, out _), "double release must only free one slot");

        admission.Closed(a2);
        admission.Closed(replacement);
        admission.Closed(b);
        Assert.Equal(0, admission.PendingSources);
        Assert.Equal(0, admission.PendingTotal);
        Assert.Equal(2, admission.Rejected);
    }

    // btcd TestInboundPeerAdmissionSourceLimits (the pending part): the production limit is 8, loopback included.
    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("192.0.2.1")]
    public void TryAdmit_DefaultLimit_EightPendingThenRefused(string address)
    {
        var admission = new InboundAdmission();
        var remote = IPAddress.Parse(address);
        var tickets = new List<AdmissionTicket>();

        for (int i = 0; i < 20 && admission.TryAdmit(remote, out AdmissionTicket t); i++)
            tickets.Add(t);

        Assert.Equal(InboundAdmission.DefaultMaxPendingPerSource, tickets.Count);
        Assert.Equal(8, admission.PendingFor(remote));
        foreach (AdmissionTicket t in tickets)
            Assert.True(admission.Closed(t));
        Assert.Equal(0, admission.PendingFor(remote));
    }

    // btcd TestHandshakeReleaseOnDisconnect: a connection closed before verack frees its slot.
    [Fact]
    public void Closed_BeforeHandshake_Releases()
    {
        var admission = new InboundAdmission(maxPendingPerSource: 1);
        var remote = IPAddress.Parse("198.51.100.1");
        admission.TryAdmit(remote, out AdmissionTicket ticket);

        Assert.True(admission.Closed(ticket));
        Assert.True(admission.TryAdmit(remote, out _));
    }

    [Fact]
    public void HandshakeDone_ThenClosed_ReleasesOnce()
    {
        var admission = new InboundAdmission(maxPendingPerSource: 2);
        var remote = IPAddress.Parse("198.51.100.1");
        admission.TryAdmit(remote, out AdmissionTicket first);
        admission.TryAdmit(remote, out AdmissionTicket second);

        Assert.True(admission.HandshakeDone(first));
        Assert.False(admission.Closed(first));

        Assert.Equal(1, admission.PendingFor(remote));
        Assert.True(admission.Closed(second));
    }

    [Fact]
    public void TryAdmit_IPv6SameSlash64_SharesLimit()
    {
        var admission = new InboundAdmission(maxPendingPerSource: 2);

        Assert.True(admission.TryAdmit(IPAddress.Parse("2001:db8:0:1::1"), out _));
        Assert.True(admission.TryAdmit(IPAddress.Parse("2001:db8:0:1:ffff::9"), out _));
        Assert.False(admission.TryAdmit(IPAddress.Parse("2001:db8:0:1::2"), out _));
        Assert.True(admission.TryAdmit(IPAddress.Parse("2001:db8:0:2::1"), out _));
    }

    [Fact]
    public void TryAdmit_MappedAndPlainIPv4_SharesLimit()
    {
        var admission = new InboundAdmission(maxPendingPerSource: 1);

        Assert.True(admission.TryAdmit(IPAddress.Parse("192.0.2.1"), out _));
        Assert.False(admission.TryAdmit(IPAddress.Parse("::ffff:192.0.2.77"), out _));
    }

    [Fact]
    public void TryAdmit_ZeroLimit_RefusesAll()
    {
        Assert.False(new InboundAdmission(0).TryAdmit(IPAddress.Parse("192.0.2.1"), out _));
    }

    [Fact]
    public void Release_UnknownOrDefaultTicket_False()
    {
        var admission = new InboundAdmission();

        Assert.False(admission.Closed(default));
        Assert.False(admission.HandshakeDone(new AdmissionTicket(42, IPNetwork.Parse("192.0.2.0/24"))));
    }

    [Fact]
    public void TryAdmit_Tickets_Distinct()
    {
        var admission = new InboundAdmission();
        var remote = IPAddress.Parse("192.0.2.1");

        admission.TryAdmit(remote, out AdmissionTicket a);
        admission.TryAdmit(remote, out AdmissionTicket b);

        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(IPNetwork.Parse("192.0.2.0/24"), a.Source);
    }
}
