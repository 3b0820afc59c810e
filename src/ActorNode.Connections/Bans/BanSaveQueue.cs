namespace ActorNode.Connections.Bans;

/// <summary>When the ban list is written to banlist.json: on every change, one write at a time (each is a whole file,
/// written off the owner's thread), and a change made while a write runs is written by one more write after it, so
/// the file always ends with the last change and writes never pile up.
/// <para>Not thread-safe: owned by one actor.</para></summary>
public sealed class BanSaveQueue
{
    private bool _saving, _again;

    /// <summary>A write is running.</summary>
    public bool Saving => _saving;

    /// <summary>The list changed: true when a write should start now (with the list as it is); false when one is
    /// running, and another follows it.</summary>
    public bool Changed()
    {
        if (_saving)
        {
            _again = true;
            return false;
        }
        _saving = true;
        return true;
    }

    /// <summary>The running write finished: true when another should start now (the list changed meanwhile).</summary>
    public bool Finished()
    {
        _saving = false;
        if (!_again) return false;
        _again = false;
        _saving = true;
        return true;
    }
}
