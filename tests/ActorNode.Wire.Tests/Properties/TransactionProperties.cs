using ActorNode.Wire.Primitives;
using CsCheck;

namespace ActorNode.Wire.Tests.Properties;

/// <summary>Transaction identity: the codec's two serialisations match a reference BIP144 writer, txid and wtxid are
/// the dsha of those bytes, and a transaction decoded from bytes (whose hashes come from the received slices, the
/// zero-copy path) has the same ids, sizes and fields as the one it was built from (the serialise path).</summary>
public class TransactionProperties
{
    private const int Iterations = 2000;

    [Fact]
    public void Transaction_Constructed_SerialisesAsReferenceAndHashesToTxidAndWtxid()
    {
        WireGen.Tx.Sample(tx =>
        {
            byte[] legacy = Reference.Serialize(tx, withWitness: false);
            byte[] full = Reference.Serialize(tx, withWitness: true);
            Assert.Equal(legacy, tx.ToArray(WireEncoding.Base));
            Assert.Equal(full, tx.ToArray(WireEncoding.Witness));

            Assert.Equal(new Hash256(Reference.DoubleSha256(legacy)), tx.Txid);
            Assert.Equal(new Hash256(Reference.DoubleSha256(full)), tx.Wtxid);
            Assert.Equal(tx.HasWitness, !legacy.AsSpan().SequenceEqual(full));

            Assert.Equal(legacy.Length, tx.BaseSize);
            Assert.Equal(full.Length, tx.TotalSize);
            Assert.Equal(legacy.Length * 3 + full.Length, tx.Weight);
        }, iter: Iterations);
    }

    [Fact]
    public void Transaction_DecodedFromEitherEncoding_HasTheConstructedIdsSizesAndFields()
    {
        WireGen.Tx.Sample(tx =>
        {
            byte[] full = tx.ToArray(WireEncoding.Witness);
            byte[] legacy = tx.ToArray(WireEncoding.Base);

            var decoded = Transaction.Parse(full, WireEncoding.Witness);
            Assert.Equal(tx.HasWitness, decoded.HasWitness);
            Assert.Equal(tx.Txid, decoded.Txid);
            Assert.Equal(tx.Wtxid, decoded.Wtxid);
            Assert.Equal(tx.BaseSize, decoded.BaseSize);
            Assert.Equal(tx.TotalSize, decoded.TotalSize);
            Assert.Equal(tx.Weight, decoded.Weight);
            WireAssert.Equivalent(tx, decoded);
            // The other encoding of a decoded transaction goes through the serialiser, not the received bytes.
            Assert.Equal(legacy, decoded.ToArray(WireEncoding.Base));
            Assert.Equal(full, decoded.ToArray(WireEncoding.Witness));

            // Stripped bytes decode to the same txid; witness-less, so wtxid = txid.
            var stripped = Transaction.Parse(legacy, WireEncoding.Witness);
            Assert.False(stripped.HasWitness);
            Assert.Equal(tx.Txid, stripped.Txid);
            Assert.Equal(tx.Txid, stripped.Wtxid);
            Assert.Equal(legacy, stripped.ToArray(WireEncoding.Witness));

            // Base encoding reads the legacy bytes too (no marker expected).
            var viaBase = Transaction.Parse(legacy, WireEncoding.Base);
            Assert.Equal(tx.Txid, viaBase.Txid);
            Assert.Equal(legacy, viaBase.ToArray(WireEncoding.Base));
        }, iter: Iterations);
    }

    /// <summary>A transaction without witnesses has wtxid = txid and one serialisation; with any witness the marker
    /// makes the two differ.</summary>
    [Fact]
    public void Transaction_WitnessPresence_DecidesWhetherWtxidDiffersFromTxid()
    {
        WireGen.Tx.Sample(tx =>
        {
            if (tx.HasWitness) Assert.NotEqual(tx.Txid, tx.Wtxid);
            else Assert.Equal(tx.Txid, tx.Wtxid);
            var decoded = Transaction.Parse(tx.ToArray());
            Assert.Equal(tx.Txid == tx.Wtxid, decoded.Txid == decoded.Wtxid);
        }, iter: Iterations);
    }
}
