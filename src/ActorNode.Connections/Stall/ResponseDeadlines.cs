namespace ActorNode.Connections.Stall;

/// <summary>Deadlines for answers a peer owes us (btcd peer.stallHandler, reference §2.5): after we send
/// <c>getdata</c> the peer must answer with a block, merkleblock, tx or notfound within 30 seconds; after
/// <c>getheaders</c>, with headers within 90 seconds. One deadline per expected command; a newer request moves it.
/// <para>Unlike btcd, <c>getblocks</c> and <c>mempool</c> arm nothing: an honest peer (Bitcoin Core) answers them
/// with nothing when it has nothing to say, and btcd then drops a healthy peer.</para></summary>
public sealed class ResponseDeadlines
{
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan HeadersTimeout = ResponseTimeout * 3;

    private static readonly string[] DataAnswers = ["block", "merkleblock", "tx", "notfound"];

    private readonly Dictionary<string, DateTimeOffset> _deadlines = new(StringComparer.Ordinal);

    public int Count => _deadlines.Count;

    /// <summary>Notes a request we sent. <paramref name="answerOwed"/> false: the peer may rightly ignore it (a
    /// <c>getheaders</c> to a peer that is behind: btcd and Core answer none while not current), so no deadline is
    /// armed and a deadline already running for an earlier request is left as it was.</summary>
    public void Sent(string command, DateTimeOffset now, bool answerOwed = true)
    {
        if (!answerOwed) return;
        switch (command)
        {
            case "getdata":
                foreach (var answer in DataAnswers) _deadlines[answer] = now + ResponseTimeout;
                break;
            case "getheaders":
                _deadlines["headers"] = now + HeadersTimeout;
                break;
        }
    }

    /// <summary>Notes a message the peer sent: it clears the deadline it answers.</summary>
    public void Received(string command)
    {
        if (Array.IndexOf(DataAnswers, command) >= 0)
            foreach (var answer in DataAnswers) _deadlines.Remove(answer);
        else
            _deadlines.Remove(command);
    }

    /// <summary>The command whose deadline has passed, or null.</summary>
    public string? Overdue(DateTimeOffset now)
    {
        foreach (var (command, deadline) in _deadlines)
            if (now > deadline) return command;
        return null;
    }
}
