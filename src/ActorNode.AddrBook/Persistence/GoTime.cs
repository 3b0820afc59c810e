namespace ActorNode.AddrBook.Persistence;

/// <summary>The time mapping peers.json uses. btcd stores <c>time.Time.Unix()</c>; an unset Go time (the zero
/// value, 0001-01-01T00:00:00Z) becomes <see cref="AddressBookSnapshot.GoZeroTime"/>, which is exactly
/// <see cref="DateTimeOffset.MinValue"/> in Unix seconds. Here "never" is <c>null</c>.</summary>
public static class GoTime
{
    /// <summary>The largest Unix second a <see cref="DateTimeOffset"/> can hold (9999-12-31T23:59:59Z).</summary>
    public const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Unix seconds as peers.json stores them: <c>null</c> (never) and
    /// <see cref="DateTimeOffset.MinValue"/> both give <see cref="AddressBookSnapshot.GoZeroTime"/>.</summary>
    public static long ToUnixSeconds(DateTimeOffset? time) =>
        time is { } t ? t.ToUnixTimeSeconds() : AddressBookSnapshot.GoZeroTime;

    /// <summary>The time a peers.json value stands for: <c>null</c> for
    /// <see cref="AddressBookSnapshot.GoZeroTime"/> (never).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside what <see cref="DateTimeOffset"/>
    /// holds (<see cref="PeersJson.Parse"/> never returns such a value).</exception>
    public static DateTimeOffset? FromUnixSeconds(long seconds) =>
        seconds == AddressBookSnapshot.GoZeroTime ? null : DateTimeOffset.FromUnixTimeSeconds(seconds);
}
