using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Cli.Infrastructure;

/// <summary>Opens the store the way each command needs it.</summary>
internal static class StoreOpener
{
    /// <summary>Opens (creating if needed) a store for writing on <paramref name="profile"/>'s chain, or the store's own chain when null.</summary>
    public static ChainTraceStore OpenForWrite(string db, ChainProfile? profile)
    {
        if (profile is null && StoreExists(db)) return OpenExisting(db, readOnly: false);
        return ChainTraceStore.Open(db, new StoreOptions { Profile = profile ?? ChainProfile.Ethereum, CreateIfMissing = true });
    }

    /// <summary>Opens an existing store read-only; its chain must match <paramref name="profile"/> when given.</summary>
    public static ChainTraceStore OpenForRead(string db, ChainProfile? profile = null)
    {
        if (!StoreExists(db))
            throw new UsageException($"no store at '{db}' (index some data first: chaintrace index --db {db} FILE…)");
        if (profile is not null)
            return ChainTraceStore.Open(db, new StoreOptions { Profile = profile, CreateIfMissing = false, ReadOnly = true });
        return OpenExisting(db, readOnly: true);
    }

    private static ChainTraceStore OpenExisting(string db, bool readOnly)
    {
        StoreException? first = null;
        foreach (var p in ChainProfile.All)
        {
            try
            {
                return ChainTraceStore.Open(db, new StoreOptions { Profile = p, CreateIfMissing = false, ReadOnly = readOnly });
            }
            catch (StoreException e)
            {
                // "indexes tron, not ethereum": try the next chain; any other problem repeats and is reported once.
                first ??= e;
            }
        }
        throw first!;
    }

    private static bool StoreExists(string db) => File.Exists(Path.Combine(db, "CURRENT"));
}
