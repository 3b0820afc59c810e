using System.Security.Cryptography;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace ActorNode.V2Transport.Crypto;

/// <summary>secp256k1 x-only ECDH with ElligatorSwift-encoded public keys (BIP324 "ElligatorSwift encoding of curve
/// X coordinates"). The maps <c>XSwiftEC</c>, <c>XSwiftECInv</c> and <c>XElligatorSwift</c> are ours, written from the
/// BIP's specification; the field and curve arithmetic (multiplication, inversion, the square root a^((p+1)/4),
/// point multiplication) is BouncyCastle's <c>secp256k1</c> custom curve. Nothing here is constant time except
/// what BouncyCastle makes so: the maps operate on public data only (the BIP says the same), and the private key is
/// only used by BouncyCastle's point multiplication.</summary>
public static class ElligatorSwift
{
    /// <summary>Bytes of an encoded public key: u (32, big-endian) ‖ t (32, big-endian).</summary>
    public const int EncodedLength = 64;

    /// <summary>Bytes of a private key, an x coordinate or an ECDH result.</summary>
    public const int ScalarLength = 32;

    private static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECCurve Curve = Parameters.Curve;
    private static readonly ECPoint G = Parameters.G;
    private static readonly BigInteger N = Parameters.N;
    private static readonly BigInteger P = Curve.Field.Characteristic;
    private static readonly FixedPointCombMultiplier BaseMultiplier = new();

    private static readonly ECFieldElement Zero = Fe(0);
    private static readonly ECFieldElement One = Fe(1);
    private static readonly ECFieldElement Seven = Fe(7);

    /// <summary>The BIP's c = sqrt(-3) (the root that is itself a square).</summary>
    private static readonly ECFieldElement C = Curve.FromBigInteger(
        new BigInteger("a2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852", 16));

    /// <summary>(1 - c)/2 and (1 + c)/2, used by the inverse map.</summary>
    private static readonly ECFieldElement HalfOneMinusC = Div(One.Subtract(C), Fe(2));
    private static readonly ECFieldElement HalfOnePlusC = Div(One.Add(C), Fe(2));
    private static readonly ECFieldElement HalfInverse = Fe(2).Invert();

    static ElligatorSwift()
    {
        // Warm the fixed-point comb table for G once, not in the first handshake.
        BaseMultiplier.Multiply(G, BigInteger.One);
    }

    /// <summary>XSwiftEC(u, t): the x coordinate on the curve that (u, t) encodes (<c>ellswift_decode</c>).
    /// Every (u, t) pair decodes to a valid x.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedLength)
            throw new ArgumentException($"an ElligatorSwift encoding is {EncodedLength} bytes", nameof(encoded));
        var x = XSwiftEC(FeFromBytes(encoded[..32]), FeFromBytes(encoded[32..]));
        return x.GetEncoded();
    }

    /// <summary>XSwiftECInv(x, u, case): the t with XSwiftEC(u, t) = x for this case (0..7), or null when the
    /// case has none. x must be a valid x coordinate and u non-zero. Big-endian 32-byte field elements.</summary>
    public static byte[]? Inverse(ReadOnlySpan<byte> x, ReadOnlySpan<byte> u, int @case)
    {
        if ((uint)@case > 7) throw new ArgumentOutOfRangeException(nameof(@case));
        return XSwiftECInv(FeFromBytes(x), FeFromBytes(u), @case)?.GetEncoded();
    }

    /// <summary>XElligatorSwift(x): a uniformly sampled encoding of the valid x coordinate <paramref name="x"/>,
    /// with random u (non-zero) and case.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> x, RandomNumberGenerator random)
    {
        var xe = FeFromBytes(x);
        if (!IsValidX(xe)) throw new ArgumentException("not an x coordinate on secp256k1", nameof(x));
        return Encode(xe, random);
    }

    /// <summary><c>ellswift_create</c>: a random private key (1..n-1, big-endian) and its 64-byte encoded public
    /// key.</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) Create(RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> buffer = stackalloc byte[ScalarLength];
        BigInteger priv;
        do
        {
            random.GetBytes(buffer);
            priv = new BigInteger(1, buffer);
        } while (priv.SignValue == 0 || priv.CompareTo(N) >= 0);
        var privateKey = priv.ToByteArrayUnsigned();
        if (privateKey.Length < ScalarLength)
        {
            var padded = new byte[ScalarLength];
            privateKey.CopyTo(padded, ScalarLength - privateKey.Length);
            privateKey = padded;
        }
        CryptographicOperations.ZeroMemory(buffer);
        return (privateKey, Encode(PublicX(priv), random));
    }

    /// <summary>x(priv·G) as 32 big-endian bytes.</summary>
    public static byte[] PublicKeyX(ReadOnlySpan<byte> privateKey) => PublicX(Scalar(privateKey)).GetEncoded();

    /// <summary><c>ellswift_ecdh_xonly</c>: x(priv · lift_x(XSwiftEC(theirs))), 32 big-endian bytes.</summary>
    public static byte[] XOnlyEcdh(ReadOnlySpan<byte> theirEncoded, ReadOnlySpan<byte> privateKey)
    {
        if (theirEncoded.Length != EncodedLength)
            throw new ArgumentException($"an ElligatorSwift encoding is {EncodedLength} bytes", nameof(theirEncoded));
        var x = XSwiftEC(FeFromBytes(theirEncoded[..32]), FeFromBytes(theirEncoded[32..]));
        // lift_x: either y will do (negation does not change the product's x).
        var y = x.Square().Multiply(x).Add(Seven).Sqrt()
                ?? throw new InvalidOperationException("XSwiftEC returned an x that is not on the curve");
        var point = Curve.CreatePoint(x.ToBigInteger(), y.ToBigInteger());
        var shared = point.Multiply(Scalar(privateKey)).Normalize();
        if (shared.IsInfinity) throw new InvalidOperationException("ECDH produced the point at infinity");
        return shared.AffineXCoord.GetEncoded();
    }

    // ---- The maps (BIP324, written from its specification) -----------------------------------------------------

    internal static ECFieldElement XSwiftEC(ECFieldElement u, ECFieldElement t)
    {
        if (u.IsZero) u = One;
        if (t.IsZero) t = One;
        var u3Plus7 = u.Square().Multiply(u).Add(Seven);
        var t2 = t.Square();
        if (u3Plus7.Add(t2).IsZero)
        {
            t = t.Add(t);
            t2 = t.Square();
        }
        // X = (u^3 + 7 - t^2) / (2t); Y = (X + t) / (c·u). One inversion serves both denominators.
        var twoT = t.Add(t);
        var cu = C.Multiply(u);
        var inv = twoT.Multiply(cu).Invert();
        var x = u3Plus7.Subtract(t2).Multiply(cu).Multiply(inv);  // X
        var y = x.Add(t).Multiply(twoT).Multiply(inv);              // Y

        var x3 = u.Add(y.Square().Multiply(Fe(4)));
        if (IsValidX(x3)) return x3;
        // X/Y; Y is never 0 here: X + t = (u^3 + 7 + t^2)/(2t), which the remapping above keeps non-zero.
        var xOverY = x.Multiply(y.Invert());
        var x2 = xOverY.Negate().Subtract(u).Multiply(HalfInverse);
        if (IsValidX(x2)) return x2;
        var x1 = xOverY.Subtract(u).Multiply(HalfInverse);
        if (IsValidX(x1)) return x1;
        throw new InvalidOperationException("XSwiftEC found no valid x (impossible for secp256k1)");
    }

    internal static ECFieldElement? XSwiftECInv(ECFieldElement x, ECFieldElement u, int @case)
    {
        ECFieldElement v, s;
        if ((@case & 2) == 0)
        {
            if (IsValidX(x.Negate().Subtract(u))) return null;
            v = x;
            var u3Plus7 = u.Square().Multiply(u).Add(Seven);
            s = Div(u3Plus7, u.Square().Add(u.Multiply(v)).Add(v.Square())).Negate();
        }
        else
        {
            s = x.Subtract(u);
            if (s.IsZero) return null;
            var u3Plus7 = u.Square().Multiply(u).Add(Seven);
            var radicand = s.Negate().Multiply(u3Plus7.Multiply(Fe(4)).Add(Fe(3).Multiply(s).Multiply(u.Square())));
            var r = Sqrt(radicand);
            if (r is null) return null;
            if ((@case & 1) == 1 && r.IsZero) return null;
            v = Div(r, s).Subtract(u).Multiply(HalfInverse);
        }
        var w = Sqrt(s);
        if (w is null) return null;
        return (@case & 5) switch
        {
            0 => w.Negate().Multiply(u.Multiply(HalfOneMinusC).Add(v)),
            1 => w.Multiply(u.Multiply(HalfOnePlusC).Add(v)),
            4 => w.Multiply(u.Multiply(HalfOneMinusC).Add(v)),
            _ => w.Negate().Multiply(u.Multiply(HalfOnePlusC).Add(v)),
        };
    }

    private static byte[] Encode(ECFieldElement x, RandomNumberGenerator random)
    {
        Span<byte> buffer = stackalloc byte[ScalarLength + 1];
        var encoded = new byte[EncodedLength];
        while (true)
        {
            random.GetBytes(buffer);
            var uInt = new BigInteger(1, buffer[..ScalarLength]);
            if (uInt.SignValue == 0 || uInt.CompareTo(P) >= 0) continue; // u uniform in 1..p-1
            var u = Curve.FromBigInteger(uInt);
            var t = XSwiftECInv(x, u, buffer[ScalarLength] & 7);
            if (t is null) continue;
            WriteFe(u, encoded.AsSpan(0, 32));
            WriteFe(t, encoded.AsSpan(32, 32));
            return encoded;
        }
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------

    /// <summary>The BIP's square root: a^((p+1)/4) when that squares back to a, else none. BouncyCastle's
    /// secp256k1 <c>Sqrt</c> computes exactly that power (and returns 0 for 0), which is what makes the inverse
    /// vectors pass: the other root would give different t values.</summary>
    private static ECFieldElement? Sqrt(ECFieldElement a) => a.IsZero ? Zero : a.Sqrt();

    /// <summary>lift_x succeeds: x^3 + 7 is a square.</summary>
    internal static bool IsValidX(ECFieldElement x) => Sqrt(x.Square().Multiply(x).Add(Seven)) is not null;

    /// <summary>a/b with the reference implementation's convention that 1/0 = 0.</summary>
    private static ECFieldElement Div(ECFieldElement a, ECFieldElement b) => b.IsZero ? Zero : a.Multiply(b.Invert());

    private static ECFieldElement Fe(int value) => Curve.FromBigInteger(BigInteger.ValueOf(value));

    /// <summary>A 32-byte big-endian value reduced mod p (encodings may carry halves ≥ p).</summary>
    internal static ECFieldElement FeFromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32) throw new ArgumentException("a field element is 32 bytes", nameof(bytes));
        var value = new BigInteger(1, bytes);
        if (value.CompareTo(P) >= 0) value = value.Subtract(P);
        return Curve.FromBigInteger(value);
    }

    private static void WriteFe(ECFieldElement value, Span<byte> destination) => value.GetEncoded().CopyTo(destination);

    private static BigInteger Scalar(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != ScalarLength)
            throw new ArgumentException($"a private key is {ScalarLength} bytes", nameof(privateKey));
        var k = new BigInteger(1, privateKey);
        if (k.SignValue == 0 || k.CompareTo(N) >= 0) throw new ArgumentException("private key out of range", nameof(privateKey));
        return k;
    }

    private static ECFieldElement PublicX(BigInteger priv) => BaseMultiplier.Multiply(G, priv).Normalize().AffineXCoord;
}
