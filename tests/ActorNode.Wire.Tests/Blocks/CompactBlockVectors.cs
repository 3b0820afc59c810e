namespace ActorNode.Wire.Tests.Blocks;

/// <summary>A regtest segwit block and its compact form, from rust-bitcoin bitcoin/src/bip152.rs
/// <c>test_compact_block_vector</c> ("Tested with Elements implementation of compact blocks"): nonce
/// 18053200567810711460, the coinbase prefilled, the second transaction as one short id.</summary>
internal static class CompactBlockVectors
{
    public const ulong Nonce = 18053200567810711460UL;

    public const string HeaderHex =
        "00000020" +
        "6c750a364035aefd5f81508a08769975116d9195312ee4520dceac39e1fdc62c" +
        "4dc67473b8e354358c1e610afeaff7410858bd45df43e2940f8a62bd3d5e3ac9" +
        "43c2975c" + "ffff7f20" + "00000000";

    /// <summary>The coinbase with witness: reserved value of 32 zero bytes, and a witness commitment output.</summary>
    public const string CoinbaseHex =
        "02000000" + "0001" + "01" +
        "0000000000000000000000000000000000000000000000000000000000000000" + "ffffffff" +
        "04" + "016b0101" + "ffffffff" +
        "02" +
        "0006062a01000000" + "01" + "51" +
        "0000000000000000" + "26" + "6a24aa21a9ed4a3d9f3343dafcc0d6f6d4310f2ee5ce273ed34edca6c75db3a73e7f36873420" +
        "01" + "20" + "0000000000000000000000000000000000000000000000000000000000000000" +
        "00000000";

    public const string SpendHex =
        "02000000000102" +
        "1fc20ba2bd745507b8e00679e3b362558f9457db374ca28ffa5243f4c23a4d5f00000000171600147c9dea14ffbcaec4b575e03f05ceb7a81cd3fcbffdffffff" +
        "915d689be87b43337f42e26033df59807b768223368f189a023d0242d837768900000000171600147c9dea14ffbcaec4b575e03f05ceb7a81cd3fcbffdffffff" +
        "0200cdf5050000000017a9146803c72d9154a6a20f404bed6d3dcee07986235a8700e1f5050000000017a9144e6a4c7cb5b5562904843bdf816342f4db9f579787" +
        "0247304402205e9bf6e70eb0e4b495bf483fd8e6e02da64900f290ef8aaa64bb32600d973c450220670896f5d0e5f33473e5f399ab680cc1d25c2d2afd15abd722f04978f28be887012103e4e4d9312b2261af508b367d8ba9be4f01b61d6d6e78bec499845b4f410bcf27" +
        "02473044022045ac80596a6ac9c8c572f94708709adaf106677221122e08daf8b9741a04f66a022003ccd52a3b78f8fd08058fc04fc0cffa5f4c196c84eae9e37e2a85babe731b57012103e4e4d9312b2261af508b367d8ba9be4f01b61d6d6e78bec499845b4f410bcf27" +
        "6a000000";

    public const string BlockHex = HeaderHex + "02" + CoinbaseHex + SpendHex;

    public const string CompactHex =
        HeaderHex +
        "a4df3c3744da89fa" +      // nonce, uint64 LE
        "01" + "0a6979e97145" +   // one short id, 6 bytes
        "01" + "00" + CoinbaseHex; // one prefilled transaction at index 0
}
