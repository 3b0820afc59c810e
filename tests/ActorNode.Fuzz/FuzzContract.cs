namespace ActorNode.Fuzz;

/// <summary>Runs one input through a target and enforces the contract every target shares: only the target's
/// documented error escapes, and managed allocation stays within <see cref="FuzzTarget.AllocationBound"/>. (No hang
/// is enforced by the caller: AFL++'s -t timeout, or the smoke run's watchdog.)</summary>
public static class FuzzContract
{
    /// <summary>Throws <see cref="FuzzContractException"/> when the contract is broken; returns how many bytes the
    /// (last) run allocated.</summary>
    public static long Check(FuzzTarget target, ReadOnlySpan<byte> input)
    {
        long allocated = RunMeasured(target, input);
        long bound = target.AllocationBound(input.Length);
        if (allocated > bound)
        {
            // The first run of a code path also pays for one-time work (static constructors, lazy tables, first
            // exception stack-trace data): measure again before calling it a fault.
            allocated = RunMeasured(target, input);
            if (allocated > bound)
                throw new FuzzContractException(
                    $"{target.Name}: allocated {allocated:N0} bytes for a {input.Length:N0}-byte input; the bound is {bound:N0}");
        }
        return allocated;
    }

    private static long RunMeasured(FuzzTarget target, ReadOnlySpan<byte> input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            target.Run(input);
        }
        catch (FuzzContractException)
        {
            throw;
        }
        catch (Exception e) when (target.IsExpected(e))
        {
            // The documented answer to bad input.
        }
        catch (Exception e)
        {
            throw new FuzzContractException($"{target.Name}: {e.GetType().FullName} escaped: {e.Message}", e);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
