namespace ChainTrace.Storage;

/// <summary>A store that cannot be opened or used as asked: wrong chain, wrong schema version, wrong token set, corrupt data.</summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
