namespace ActorNode.AddrBook;

/// <summary>Random selection without repetition, for the getaddr answer and for trimming an addr/addrv2 message to
/// its 1,000-entry limit. btcd PushAddrV2Msg "shuffles" with <c>a[i] = a[j]; a[j] = a[i]</c>, which copies instead of
/// swapping and so sends some addresses twice and drops others; this is the partial Fisher–Yates shuffle it
/// meant.</summary>
public static class AddressSampling
{
    /// <summary><paramref name="count"/> distinct elements (by position) of <paramref name="items"/>, uniformly at
    /// random, in random order; all of them (shuffled) when <paramref name="count"/> is at least their number. The
    /// input is not changed.</summary>
    public static T[] TakeRandom<T>(IReadOnlyList<T> items, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var copy = items.ToArray();
        count = Math.Min(count, copy.Length);
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, copy.Length);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return count == copy.Length ? copy : copy[..count];
    }
}
