namespace ActorNode.AddrBook;

/// <summary>A saved address book (peers.json) that cannot be loaded: an unknown version, a bad key, an address that
/// does not parse, a bucket naming an unknown address, an address in no bucket or in both tables (the checks of btcd
/// deserializePeers, plus a few stricter ones listed in docs/addrbook.md).</summary>
public sealed class AddressBookFormatException : Exception
{
    public AddressBookFormatException(string message) : base(message)
    {
    }

    public AddressBookFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
