using System.Security.Cryptography;
using System.Text;

namespace ActorNode.Host.Rpc;

/// <summary>HTTP basic authentication for the RPC server: the user's --rpcuser/--rpcpass, or bitcoind's cookie
/// (<c>__cookie__:&lt;64 hex digits&gt;</c> written to <c>&lt;datadir&gt;/.cookie</c>, readable by the owner only,
/// deleted at shutdown; httprpc.cpp GenerateAuthCookie).</summary>
internal sealed class RpcAuth
{
    public const string CookieUser = "__cookie__";
    public const string CookieFileName = ".cookie";

    private readonly byte[] _expected;

    public RpcAuth(string user, string password)
    {
        User = user;
        _expected = Encoding.UTF8.GetBytes(user + ":" + password);
    }

    public string User { get; }

    /// <summary>Whether an <c>Authorization</c> header carries the right credentials (compared in constant time).</summary>
    public bool Accepts(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        byte[] given;
        try
        {
            given = Convert.FromBase64String(authorization[6..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }

    /// <summary>Writes a fresh cookie (a new secret each start) and returns the matching authentication.</summary>
    public static RpcAuth WriteCookie(string dataDirectory)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var path = Path.Combine(dataDirectory, CookieFileName);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            writer.Write(CookieUser + ":" + secret);
        File.Move(temp, path, overwrite: true);
        return new RpcAuth(CookieUser, secret);
    }

    public static void DeleteCookie(string dataDirectory)
    {
        try
        {
            File.Delete(Path.Combine(dataDirectory, CookieFileName));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Reads <c>user:password</c> from a cookie file (for the <c>actornode rpc</c> client).</summary>
    public static bool TryReadCookie(string dataDirectory, out string user, out string password)
    {
        user = password = "";
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(dataDirectory, CookieFileName)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        int colon = text.IndexOf(':');
        if (colon <= 0) return false;
        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }
}
