using ActorNode.Chain.Blocks;
using ActorNode.Wire.Primitives;

namespace ActorNode.Sync;

/// <summary>One block's checks, done: <see cref="Result"/> of <see cref="BlockSanity.Check"/> (or
/// <see cref="Error"/> when the check itself threw), with the caller's <see cref="Tag"/> (which peer sent it,
/// its index node).</summary>
public sealed record CheckedBlock<TTag>(int Height, Block Block, TTag Tag, BlockCheckResult Result, Exception? Error)
{
    public bool IsValid => Error is null && Result.IsValid;
}

/// <summary>Runs the block structure checks of downloaded blocks (<see cref="BlockSanity.Check"/>: merkle root,
/// witness commitment, sanity and context; most of it hashing) in parallel on the thread pool, and hands the results
/// back strictly in height order, so the chain still connects blocks one after another and a failing block is
/// handled exactly where it would have been handled without the pipeline (Core checks in parallel only scripts,
/// <c>CCheckQueue</c>; the structure checks here need nothing but the block and its context).
/// <para>Order: a result is released (<see cref="TakeReady"/>) once it is done and no block of a lower height (or of
/// the same height, submitted earlier) is still being checked. A block submitted later with a lower height than
/// one already released is released in its turn: the pipeline orders what it holds, the chain handles blocks that
/// arrive after their children as it does today.</para>
/// <para>At most <see cref="MaxInFlight"/> checks run at once (lowest heights first); the rest wait in the
/// pipeline, which holds at most what the download window lets in. Thread safety: <see cref="Submit"/> and
/// <see cref="TakeReady"/> are called by one owner (the sync actor); checks complete on pool threads and call the
/// <c>ready</c> callback there (the actor tells itself, then calls <see cref="TakeReady"/>). No Akka here.</para></summary>
public sealed class BlockCheckPipeline<TTag>
{
    private sealed class Entry(int height, long seq, Block block, BlockCheckContext context, TTag tag)
    {
        public int Height { get; } = height;
        public long Seq { get; } = seq;
        public Block Block { get; } = block;
        public BlockCheckContext Context { get; } = context;
        public TTag Tag { get; } = tag;
        public bool Done { get; set; }
        public BlockCheckResult Result { get; set; }
        public Exception? Error { get; set; }
    }

    private static readonly Comparer<Entry> ByHeight = Comparer<Entry>.Create(static (a, b) =>
        a.Height != b.Height ? a.Height.CompareTo(b.Height) : a.Seq.CompareTo(b.Seq));

    private readonly Lock gate = new();
    private readonly SortedSet<Entry> held = new(ByHeight);   // submitted, not yet released
    private readonly SortedSet<Entry> waiting = new(ByHeight); // submitted, check not started
    private readonly Func<Block, BlockCheckContext, BlockCheckResult> check;
    private readonly Action? ready;
    private long nextSeq;
    private int running;

    /// <param name="maxInFlight">Checks running at once; e.g. the processor count.</param>
    /// <param name="ready">Called on a pool thread when the lowest held block's check is done (something can be
    /// taken). May be called when nothing is left to take.</param>
    /// <param name="check">The check; <see cref="BlockSanity.Check"/> unless a test replaces it.</param>
    public BlockCheckPipeline(int maxInFlight, Action? ready = null, Func<Block, BlockCheckContext, BlockCheckResult>? check = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        MaxInFlight = maxInFlight;
        this.ready = ready;
        this.check = check ?? BlockSanity.Check;
    }

    public int MaxInFlight { get; }

    /// <summary>Blocks submitted and not yet taken.</summary>
    public int Count
    {
        get { lock (gate) return held.Count; }
    }

    /// <summary>Checks running now.</summary>
    public int Running
    {
        get { lock (gate) return running; }
    }

    /// <summary>Queues <paramref name="block"/> (at <paramref name="height"/>, checked in <paramref name="context"/>)
    /// and starts its check when a slot is free.</summary>
    public void Submit(int height, Block block, BlockCheckContext context, TTag tag)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(context);
        lock (gate)
        {
            var entry = new Entry(height, nextSeq++, block, context, tag);
            held.Add(entry);
            waiting.Add(entry);
            StartMore();
        }
    }

    /// <summary>The results that can be released now, in height order (empty when the lowest is still checked).</summary>
    public IReadOnlyList<CheckedBlock<TTag>> TakeReady()
    {
        lock (gate)
        {
            List<CheckedBlock<TTag>>? result = null;
            while (held.Count > 0 && held.Min is { Done: true } head)
            {
                held.Remove(head);
                (result ??= []).Add(new CheckedBlock<TTag>(head.Height, head.Block, head.Tag, head.Result, head.Error));
            }
            return result ?? (IReadOnlyList<CheckedBlock<TTag>>)[];
        }
    }

    private void StartMore()
    {
        while (running < MaxInFlight && waiting.Count > 0)
        {
            var entry = waiting.Min!;
            waiting.Remove(entry);
            running++;
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.self.Run(state.entry), (self: this, entry), preferLocal: false);
        }
    }

    private void Run(Entry entry)
    {
        BlockCheckResult result = default;
        Exception? error = null;
        try
        {
            result = check(entry.Block, entry.Context);
        }
        catch (Exception e)
        {
            error = e; // a bug in a check, not the peer's fault: the owner logs it and treats the block as not checked
        }
        bool headDone;
        lock (gate)
        {
            entry.Result = result;
            entry.Error = error;
            entry.Done = true;
            running--;
            StartMore();
            headDone = held.Count > 0 && held.Min!.Done;
        }
        if (headDone)
            ready?.Invoke();
    }
}
