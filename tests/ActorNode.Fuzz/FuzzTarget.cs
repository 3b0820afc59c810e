namespace ActorNode.Fuzz;

/// <summary>One fuzz target: a parser or codec that receives untrusted bytes, the exceptions it is allowed to throw
/// for bad input, and how much it may allocate for an input of a given length.</summary>
public abstract class FuzzTarget
{
    /// <summary>The name used on the command line and as the corpus folder (<c>corpus/&lt;Name&gt;</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What the target feeds the input to, for docs and messages.</summary>
    public abstract string Description { get; }

    /// <summary>True for the documented error of the code under test (WireException, the loader's own format
    /// exception). Anything else escaping <see cref="Run"/> breaks the contract.</summary>
    public abstract bool IsExpected(Exception exception);

    /// <summary>Managed bytes the target may allocate on one input of <paramref name="inputLength"/> bytes: a
    /// constant (exception objects, a message's fixed fields) plus a multiple of the input. A decoder that allocates
    /// from a declared count or length before the bytes are there exceeds it on a short input.</summary>
    public virtual long AllocationBound(int inputLength) => 64 * 1024 + 32L * inputLength;

    /// <summary>Feeds the input to the code under test and checks the target's own properties (round trips,
    /// invariants), throwing <see cref="FuzzContractException"/> when one fails.</summary>
    public abstract void Run(ReadOnlySpan<byte> input);
}

/// <summary>A broken contract: an unexpected exception escaped, a property failed, or allocation went past the
/// bound. Never one of the errors a target expects, so it always reaches the fuzzer as a crash.</summary>
public sealed class FuzzContractException(string message, Exception? inner = null) : Exception(message, inner);
