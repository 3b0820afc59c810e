namespace ActorNode.AddrBook.Persistence;

/// <summary>A peers.json that cannot be read as an address book: not JSON, a field of the wrong type or range, a
/// key that is not 32 bytes, or bucket lists that disagree with the address list (the checks btcd's
/// <c>deserializePeers</c> makes). The message names the field and what is wrong with it.
/// <see cref="PeersJson.Parse"/> raises only this exception for bad input.</summary>
public sealed class PeersFileFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the faulty field.</summary>
    public PeersFileFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
