using System.Runtime.Serialization;
using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Lab.Experiments;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNode.Lab.Cluster.Tests;

/// <summary>Every lab message crosses processes through <see cref="LabSerializer"/> (bound by hocon/lab.conf) and
/// comes back equal; nothing falls to Akka's default serializer.</summary>
public sealed class LabSerializerTests : IDisposable
{
    private readonly ActorSystem _system;

    public LabSerializerTests()
    {
        var lab = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "lab.conf")));
        // Local provider: only the serialization settings matter here.
        _system = ActorSystem.Create("serializer-test", ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(lab));
    }

    public void Dispose() => _system.Dispose();

    public static TheoryData<ILabMessage> Messages()
    {
        var at = new DateTimeOffset(2026, 11, 24, 19, 0, 0, 123, TimeSpan.Zero);
        return new TheoryData<ILabMessage>
        {
            new WorkerHello(1, 4242),
            new StartNodes([0, 1, 2], 100, 125),
            new StartNodes([0, 1], 0, 125, RelayTiming.Fixed, [new NodeAccess(0, "europe", 20_700_000, 40_000_000), new NodeAccess(1, "local", null, null)]),
            new NodesStarted(1, [new NodeEndpoint(0, "127.0.0.1:40001")]),
            new LinkNodes([new NodeLink(0, 3, "127.0.0.1:40004"), new NodeLink(0, 4, "127.0.0.1:40005", 124.25)]),
            GetLinkStatus.Instance,
            new LinkStatus(0, [new NodePeers(0, [1, 2])]),
            new ClockProbe(3, at),
            new ClockReply(1, 3, at, at.AddMilliseconds(2)),
            new InjectTransaction(5, LabTransactions.Create(1, 7).ToArray(ActorNode.Wire.WireEncoding.Base)),
            new InjectBlock(2),
            new InjectBlock(2, 1_000_000, ["abcd", "ef01"], 14, 3),
            new Injected(2, ItemKind.Block, "00ff", at, null),
            new Injected(2, ItemKind.Transaction, "", at, "refused"),
            new Seen(1, [new Sighting(3, ItemKind.Transaction, "abcd", at, 2), new Sighting(4, ItemKind.Block, "ef01", at, null)]),
            new CutLinks([0, 1], [2]),
            new HealLinks([0, 1], [2]),
            new StopLabNodes([4]),
            new RestartLabNodes([4]),
            ExitNow.Instance,
            CollectReport.Instance,
            new WorkerReport(1, [new AnnouncementCount(3, "abcd", 4)], [new NodeBytes(3, 1000, 2000)]),
            new WorkerReport(1, [], [], 12.5, 300.25, [new NodeMessageBytes(3, "inv", 610, 1220)], ["00ff"]),
            new EndRun("Completed"),
        };
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void EveryMessage_UsesTheLabSerializer_AndRoundTrips(ILabMessage message)
    {
        var serialization = _system.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<LabSerializer>(serializer);
        var lab = (LabSerializer)serializer;
        var bytes = lab.ToBinary(message);
        var back = lab.FromBinary(bytes, lab.Manifest(message));
        // Records with lists compare by reference: compare their JSON instead.
        Assert.Equal(message.GetType(), back.GetType());
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(message, message.GetType(), LabSerializer.Json),
            System.Text.Json.JsonSerializer.Serialize(back, back.GetType(), LabSerializer.Json));
    }

    [Fact]
    public void EveryMessageType_IsCovered()
    {
        var tested = ((IEnumerable<object[]>)Messages()).Select(row => row[0].GetType()).ToHashSet();
        Assert.Empty(LabSerializer.Types.Values.Where(t => !tested.Contains(t)));
    }

    [Fact]
    public void InjectTransaction_CarriesTheWireBytes()
    {
        var tx = LabTransactions.Create(9, 1);
        var lab = (LabSerializer)_system.Serialization.FindSerializerFor(new InjectBlock(0));
        var message = new InjectTransaction(0, tx.ToArray(ActorNode.Wire.WireEncoding.Base));
        var back = (InjectTransaction)lab.FromBinary(lab.ToBinary(message), lab.Manifest(message));
        Assert.Equal(tx.Txid, ActorNode.Wire.Primitives.Transaction.Parse(back.Transaction).Txid);
    }

    [Theory]
    [InlineData("NoSuchMessage", "{}")]
    [InlineData("WorkerHello", "{not json")]
    [InlineData("Seen", "null")]
    public void BadInput_IsRefusedWithASerializationException(string manifest, string json)
    {
        var lab = (LabSerializer)_system.Serialization.FindSerializerFor(new InjectBlock(0));
        var error = Assert.Throws<SerializationException>(() => lab.FromBinary(System.Text.Encoding.UTF8.GetBytes(json), manifest));
        Assert.Contains(manifest, error.Message);
    }
}
