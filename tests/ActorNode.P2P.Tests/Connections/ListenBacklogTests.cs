using System.Diagnostics;
using System.Net;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Connections;

/// <summary><see cref="ConnManagerSettings.ListenBacklog"/> reaches the listening socket. The kernel shows a
/// listener's backlog as its Send-Q in <c>ss -ltn</c> (inet_diag reports sk_max_ack_backlog for listeners).</summary>
public sealed class ListenBacklogTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("backlog-").FullName;

    public ListenBacklogTests() : base("akka.loglevel = WARNING") { }

    [Theory]
    [InlineData(1024)] // the default: Akka.IO 1.5.73's own (its Tcp.Bind says backlog = 1024)
    [InlineData(100)]
    public async Task ListenBacklog_IsTheListeningSocketsBacklog(int backlog)
    {
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(_dir)));
        var settings = new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = _dir,
            TargetOutbound = 0,
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        };
        if (backlog != 1024) settings = settings with { ListenBacklog = backlog };
        var manager = Sys.ActorOf(ConnManagerActor.Props(settings, book, ActorRefs.Nobody));
        IPEndPoint node = null!;
        await AwaitAssertAsync(async () =>
            node = Assert.Single((await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience)).Endpoints), Patience);

        if (SocketStatistics($"sport = :{node.Port}") is not { } line) return; // no ss here: nothing to look at
        // "LISTEN  0  777  127.0.0.1:41799  0.0.0.0:*": state, Recv-Q (waiting), Send-Q (the backlog), local, peer
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("LISTEN", fields[0]);
        Assert.Equal(backlog, int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string? SocketStatistics(string filter)
    {
        try
        {
            using var ss = Process.Start(new ProcessStartInfo("ss", ["-Hltn", filter])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            string output = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
