namespace ActorNode.Connections.Reconciliation;

/// <summary>How the responder estimates the set difference from the two set sizes and q.</summary>
public enum CapacityFormula
{
    /// <summary>|local − remote| + q·min(local, remote) + 1: Core's EstimateSketchCapacity, the Erlay paper.</summary>
    CoreMinimum,

    /// <summary>|local − remote| + q·(local + remote) + 1: the BIP330 text.</summary>
    BipSum,
}

/// <summary>How big a sketch the responder sends, and how many differences the initiator accepts from it.</summary>
public static class SketchCapacity
{
    /// <summary>The q a reqrecon carries: q·Q_PRECISION, rounded up as the BIP says.</summary>
    public static ushort EncodeQ(double q) => (ushort)Math.Clamp(Math.Ceiling(q * ReconciliationConstants.QPrecision), 0, ReconciliationConstants.QPrecision);

    public static double DecodeQ(ushort q) => q / (double)ReconciliationConstants.QPrecision;

    /// <summary>The expected set difference d = |local − remote| + q·min(local, remote) + 1 (Core
    /// EstimateSketchCapacity and the Erlay paper; the BIP text writes q·(local + remote), which Core's q = 0.25 is not
    /// tuned for, see docs/erlay.md), then the capacity minisketch needs to decode d differences with a 2^−16
    /// false-positive rate, at most <see cref="ReconciliationConstants.MaxSketchCapacity"/>. Set sizes are counted
    /// in 16 bits as on the wire.</summary>
    public static int Estimate(int localSetSize, ushort remoteSetSize, double remoteQ,
        CapacityFormula formula = CapacityFormula.CoreMinimum)
    {
        int local = Math.Min(localSetSize, ushort.MaxValue);
        int difference = Math.Abs(local - remoteSetSize);
        int weighted = formula == CapacityFormula.CoreMinimum ? Math.Min(local, remoteSetSize) : local + remoteSetSize;
        // A hostile q (up to 2^16/32767 ≈ 2) only makes the sketch larger, and the capacity is capped below.
        int weightedMin = (int)Math.Min(remoteQ * weighted, ushort.MaxValue);
        int estimated = 1 + weightedMin + difference;
        int capacity = Minisketch.Minisketch.ComputeCapacity(ReconciliationConstants.FieldBits, estimated, ReconciliationConstants.FalsePositiveBits);
        return Math.Min(capacity, ReconciliationConstants.MaxSketchCapacity);
    }

    /// <summary>The most differences the initiator takes from a sketch of this capacity (Core:
    /// minisketch_compute_max_elements(32, capacity, 16)): a decode claiming more is treated as a failure.</summary>
    public static int MaxDifferences(int capacity) =>
        Minisketch.Minisketch.ComputeMaxElements(ReconciliationConstants.FieldBits, capacity, ReconciliationConstants.FalsePositiveBits);
}
