using ActorNode.AddrBook;
using ActorNode.AddrBook.Persistence;
using Akka.Actor;
using Akka.Event;

namespace ActorNode.P2P.AddrBook;

/// <summary>Owns the node's one <see cref="AddressBook"/> (btcd addrmgr's addressHandler goroutine) and its
/// peers.json.
/// <para>It starts by loading the book off its thread, stashing requests meanwhile. A corrupt file is moved aside
/// by the store and the book starts empty. A restart after a fault reloads from disk: nothing in memory is trusted.
/// Saves run every <see cref="AddrBookSettings.SaveInterval"/> and on request; the snapshot is taken on the actor's
/// thread and written by a task, so a save never blocks the actor. One save at a time; requests that arrive during a
/// save are answered by the next one.</para></summary>
public sealed class AddrBookActor : ReceiveActor, IWithTimers, IWithStash
{
    private readonly PeersFile _store;
    private readonly AddrBookSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private AddressBook _book = null!;
    private bool _saving;
    private bool _saveAgain;
    private bool _stopAfterSave;
    private readonly List<IActorRef> _waitingForSave = [];

    public AddrBookActor(PeersFile store, AddrBookSettings settings)
    {
        _store = store;
        _settings = settings;
        Loading();
    }

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    public static Props Props(PeersFile store, AddrBookSettings? settings = null) =>
        Akka.Actor.Props.Create(() => new AddrBookActor(store, settings ?? AddrBookSettings.Default));

    protected override void PreStart()
    {
        StartLoading();
        // Saved on shutdown: coordinated shutdown asks for a last save (at the edge of the system, so an Ask).
        var self = Self;
        CoordinatedShutdown.Get(Context.System).AddTask(CoordinatedShutdown.PhaseServiceStop, $"save-{self.Path.Name}",
            async () =>
            {
                try
                {
                    await self.Ask<object>(SaveAndStop.Instance, TimeSpan.FromSeconds(30));
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                {
                    // Already stopped, or the disk is too slow: the last periodic save stands.
                }
                return Akka.Done.Instance;
            });
    }

    /// <summary>After a fault the book is read again from disk; the shutdown task from the first start still holds.</summary>
    protected override void PostRestart(Exception reason) => StartLoading();

    private void StartLoading()
    {
        var store = _store;
        var settings = _settings;
        Task.Run(() => Load(store, settings)).PipeTo(Self);
    }

    /// <summary>Reads peers.json and builds the book from it, off the actor's thread.</summary>
    private static BookLoaded Load(PeersFile store, AddrBookSettings settings)
    {
        AddressBook Empty() => new(settings.Time, settings.NewRandom(), options: settings.Options);
        switch (store.Load())
        {
            case PeersLoadResult.Loaded loaded:
                try
                {
                    var book = AddressBook.Import(loaded.Snapshot, settings.Time, settings.NewRandom(), settings.Options);
                    return new BookLoaded(book, null);
                }
                catch (AddressBookFormatException e)
                {
                    var moved = store.MoveAside(e.Message);
                    return new BookLoaded(Empty(), moved);
                }
            case PeersLoadResult.Corrupt corrupt:
                return new BookLoaded(Empty(), corrupt);
            default:
                return new BookLoaded(Empty(), null);
        }
    }

    private void Loading()
    {
        Receive<BookLoaded>(loaded =>
        {
            _book = loaded.Book;
            if (loaded.Problem is { } problem)
                _log.Warning("Address book file {Path} was unreadable ({Reason}); moved aside to {MovedTo}; starting with an empty book",
                    _store.FilePath, problem.Reason, problem.MovedTo ?? "(could not move it)");
            else
                _log.Info("Address book loaded from {Path}: {Count} addresses ({New} new, {Tried} tried)",
                    _store.FilePath, _book.Count, _book.NewCount, _book.TriedCount);
            Timers.StartPeriodicTimer(SaveTick.Instance, SaveTick.Instance, _settings.SaveInterval);
            Become(Ready);
            Stash.UnstashAll();
        });
        Receive<Status.Failure>(failure =>
        {
            // The store never throws for a bad file; this is an I/O fault such as a permission error. Escalate.
            throw new AddressBookLoadException($"could not load {_store.FilePath}", failure.Cause);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    // Handlers are statements: a lambda returning bool would be read by Akka as "handled only if true".
    private void Ready()
    {
        Receive<AddAddresses>(add =>
        {
            var result = _book.AddAddresses(add.Addresses, add.Source, add.Origin);
            if (result.RateLimited > 0)
                _log.Debug("Dropped {Count} addresses from {Source} over its rate limit", result.RateLimited, add.Source);
        });
        Receive<PickAddressToDial>(pick =>
        {
            var picked = _book.PickForDial(pick.OutboundGroups, pick.DefaultPort);
            Sender.Tell(new AddressToDial(picked?.Address, picked?.GroupKey));
        });
        Receive<Attempted>(m => { _book.Attempt(m.Address); });
        Receive<ConnectedTo>(m => { _book.Connected(m.Address); });
        Receive<MarkGood>(m => { _book.Good(m.Address); });
        Receive<ServicesLearned>(m => { _book.SetServices(m.Address, m.Services); });
        Receive<ExpectAddresses>(m => { _book.ExpectAddrResponse(m.Peer); });
        Receive<SourceGone>(m => { _book.ForgetSource(m.Peer); });
        Receive<GetAddresses>(_ => Sender.Tell(new AddressesForPeer(_book.AddressCache())));
        Receive<NeedMoreAddresses>(_ => Sender.Tell(new NeedMoreAddressesAnswer(_book.NeedMoreAddresses)));
        Receive<GetAddrBookStats>(_ =>
            Sender.Tell(new AddrBookStats(_book.Count, _book.NewCount, _book.TriedCount, _book.RateLimitedTotal)));
        Receive<SaveTick>(_ => StartSave());
        Receive<SaveNow>(_ =>
        {
            _waitingForSave.Add(Sender);
            StartSave();
        });
        Receive<SaveAndStop>(_ =>
        {
            _waitingForSave.Add(Sender);
            _stopAfterSave = true;
            StartSave();
        });
        Receive<SaveDone>(OnSaveDone);
        Receive<Node.InjectFault>(Node.InjectFault.Throw);
    }

    private void StartSave()
    {
        if (_saving)
        {
            _saveAgain = true;
            return;
        }
        _saving = true;
        var snapshot = _book.Export();
        var store = _store;
        store.SaveAsync(snapshot).ContinueWith(
            t => new SaveDone(snapshot.Addresses.Count, t.IsCompletedSuccessfully ? null : t.Exception?.GetBaseException()),
            TaskScheduler.Default).PipeTo(Self);
    }

    private void OnSaveDone(SaveDone done)
    {
        _saving = false;
        object answer;
        if (done.Error is null)
        {
            _log.Debug("Saved {Count} addresses to {Path}", done.Addresses, _store.FilePath);
            answer = new Saved(done.Addresses);
        }
        else
        {
            _log.Error(done.Error, "Could not save the address book to {Path}", _store.FilePath);
            answer = new SaveFailed(done.Error.Message);
        }

        // Requests that came in while this save ran want the book as it is now: they wait for the next one.
        if (_saveAgain)
        {
            _saveAgain = false;
            StartSave();
            return;
        }
        foreach (var waiting in _waitingForSave) waiting.Tell(answer);
        _waitingForSave.Clear();
        if (_stopAfterSave) Context.Stop(Self);
    }

    private sealed record BookLoaded(AddressBook Book, PeersLoadResult.Corrupt? Problem);

    private sealed record SaveDone(int Addresses, Exception? Error);

    private sealed record SaveTick
    {
        public static readonly SaveTick Instance = new();
    }
}

/// <summary>peers.json exists but could not be read at all (not a format problem: those start an empty book).</summary>
public sealed class AddressBookLoadException(string message, Exception inner) : Exception(message, inner);
