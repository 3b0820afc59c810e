using System.Text;
using ActorNode.Host.Rpc;

namespace ActorNode.Host.Tests.Rpc;

/// <summary>bitcoind's cookie (httprpc.cpp GenerateAuthCookie) and basic authentication.</summary>
public sealed class RpcAuthTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actornode-auth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Fact]
    public void Cookie_IsUserCookieAnd64HexDigits_OwnerOnly_AndAcceptedOnlyAsWritten()
    {
        var auth = RpcAuth.WriteCookie(_dir);
        var path = Path.Combine(_dir, ".cookie");
        var text = File.ReadAllText(path);
        Assert.Matches("^__cookie__:[0-9a-f]{64}$", text);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        Assert.True(auth.Accepts(Basic(text)));
        Assert.False(auth.Accepts(Basic(text[..^1] + (text[^1] == '0' ? '1' : '0'))));
        Assert.False(auth.Accepts(null));
        Assert.False(auth.Accepts("Basic not-base64!"));
        Assert.False(auth.Accepts("Bearer " + text));

        Assert.True(RpcAuth.TryReadCookie(_dir, out var user, out var password));
        Assert.Equal(("__cookie__", text["__cookie__:".Length..]), (user, password));

        // A new start, a new secret; shutdown removes the file.
        var again = RpcAuth.WriteCookie(_dir);
        Assert.False(again.Accepts(Basic(text)));
        RpcAuth.DeleteCookie(_dir);
        Assert.False(File.Exists(path));
        Assert.False(RpcAuth.TryReadCookie(_dir, out _, out _));
    }

    [Fact]
    public void UserAndPassword_PasswordMayContainColons()
    {
        var auth = new RpcAuth("alice", "p:a:ss");
        Assert.True(auth.Accepts(Basic("alice:p:a:ss")));
        Assert.False(auth.Accepts(Basic("alice:p:a:s")));
        Assert.False(auth.Accepts(Basic("bob:p:a:ss")));
    }
}
