using ActorNode.Connections.Reconciliation;

namespace ActorNode.Connections.Tests.Reconciliation;

public class SketchCapacityTests
{
    [Fact]
    public void Q_travels_as_a_fraction_of_32767()
    {
        Assert.Equal(8192, SketchCapacity.EncodeQ(0.25)); // 0.25 · 32767 = 8191.75, rounded up
        Assert.Equal(0.25, SketchCapacity.DecodeQ(8192), 3);
        Assert.Equal(ReconciliationConstants.QPrecision, SketchCapacity.EncodeQ(5));
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(50, 20)]
    [InlineData(3000, 0)]
    [InlineData(1, 3000)]
    public void Capacity_covers_the_estimated_difference_with_the_false_positive_margin(int local, int remote)
    {
        int capacity = SketchCapacity.Estimate(local, (ushort)remote, 0.25);
        int estimated = 1 + (int)(0.25 * Math.Min(local, remote)) + Math.Abs(local - remote);
        Assert.True(capacity >= estimated);
        // The initiator accepts at least the estimated number of differences from a sketch of that capacity.
        Assert.True(SketchCapacity.MaxDifferences(capacity) >= estimated);
        // And no more than one 32-bit syndrome of margin is needed for 16 bits of protection.
        Assert.True(capacity - estimated <= 1);
    }

    [Fact]
    public void The_bip_formula_weights_the_sum()
    {
        int core = SketchCapacity.Estimate(100, 100, 0.1, CapacityFormula.CoreMinimum);
        int bip = SketchCapacity.Estimate(100, 100, 0.1, CapacityFormula.BipSum);
        Assert.Equal(11, core); // 1 + 0.1·100
        Assert.Equal(21, bip);  // 1 + 0.1·200
    }

    [Fact]
    public void Hostile_sizes_and_q_are_capped_at_the_maximum_sketch()
    {
        Assert.Equal(ReconciliationConstants.MaxSketchCapacity, SketchCapacity.Estimate(65535, 0, 2.0));
        Assert.Equal(ReconciliationConstants.MaxSketchCapacity, SketchCapacity.Estimate(40000, 65535, 2.0, CapacityFormula.BipSum));
        Assert.True(SketchCapacity.Estimate(int.MaxValue, ushort.MaxValue, 2.0) <= ReconciliationConstants.MaxSketchCapacity);
    }
}
