using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Storage.Tests;

/// <summary>Base of a test class whose tests each work in a fresh directory (<see cref="Dir"/>, deleted after the
/// test) with a fake clock stopped at <see cref="Now"/>, a whole second, so that the name a corrupt file is moved
/// to is known (<see cref="CorruptSuffix"/>). Shared (as a linked source file) with the tests of the formats built
/// on <see cref="DurableFile"/>.</summary>
public abstract class InTempDirectory : IDisposable
{
    protected static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>What <see cref="DurableFile.MoveAside"/> appends to the file name at <see cref="Now"/>.</summary>
    protected const string CorruptSuffix = ".corrupt-20260102T030405Z";

    protected TempDirectory Dir { get; } = new();

    protected FakeTimeProvider Clock { get; } = new(Now);

    public void Dispose() => Dir.Dispose();
}
