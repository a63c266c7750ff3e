using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// Per-connection settings for the portal's SQLite file, applied once to each native connection (pooled connections
/// keep them):
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer that finds the write lock taken waits inside SQLite (back-off of 1–100 ms)
/// instead of Microsoft.Data.Sqlite's own retry, which sleeps 150 ms between attempts and so turns every lock wait
/// into 150 ms or more of latency.</item>
/// <item><c>synchronous=NORMAL</c> (the file is in WAL, see <c>SqliteWriteAheadLog</c>): a commit appends to the WAL
/// without an fsync; the WAL is synced at checkpoints. Committed transactions survive a crash of the process; after a
/// power loss or OS crash the last commits before the failure can be lost (the file stays consistent). Production runs
/// on SQL Server; see docs/benchmarks.md, "Payments". Only once the file is in WAL;
/// <c>Database:SqliteSyncEveryCommit</c> keeps FULL (an fsync per commit).</item>
/// <item><c>cache_size = -1024</c> (1 MiB of pages per connection instead of 2 MiB): under load the pool holds one
/// connection per concurrent request, each with its own page cache; the pages stay in the OS file cache either way.
/// Part of keeping the server under 300 MB (docs/benchmarks.md, "Make a Payment page", Memory).</item>
/// <item><c>wal_autocheckpoint = 20000</c>: checkpoints run in the background (<see cref="SqliteCheckpointer"/>), not
/// in the commit of whichever request crossed 1,000 pages.</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionSettings(bool syncEveryCommit = false, bool backgroundCheckpoints = true)
    : DbConnectionInterceptor
{
    /// <summary>
    /// Pages of WAL after which a committing connection checkpoints by itself: far past SQLite's 1,000, because
    /// <see cref="SqliteCheckpointer"/> does it in the background; this only bounds the log should that service stop.
    /// </summary>
    public const int AutoCheckpointPages = 20_000;

    private readonly string _busyTimeout = "PRAGMA busy_timeout = 30000; PRAGMA cache_size = -1024;" +
        (backgroundCheckpoints ? $" PRAGMA wal_autocheckpoint = {AutoCheckpointPages};" : "");
    private const string JournalMode = "PRAGMA journal_mode;";
    private readonly string _synchronous =
        syncEveryCommit ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";

    // The native handle is what the pool reuses; a new handle (new physical connection) gets the settings again. A
    // handle opened before the file is in WAL (migrations at start) keeps the default FULL and is looked at again on
    // its next open.
    private readonly ConditionalWeakTable<object, object> _applied = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!Needs(connection, out var handle)) return;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = _busyTimeout;
        cmd.ExecuteNonQuery();
        cmd.CommandText = JournalMode;
        if (!IsWal(cmd.ExecuteScalar())) return;
        cmd.CommandText = _synchronous;
        cmd.ExecuteNonQuery();
        _applied.AddOrUpdate(handle, handle);
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!Needs(connection, out var handle)) return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = _busyTimeout;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        cmd.CommandText = JournalMode;
        if (!IsWal(await cmd.ExecuteScalarAsync(cancellationToken))) return;
        cmd.CommandText = _synchronous;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        _applied.AddOrUpdate(handle, handle);
    }

    private bool Needs(DbConnection connection, out object handle)
    {
        handle = (connection as SqliteConnection)?.Handle ?? (object)connection;
        return !_applied.TryGetValue(handle, out _);
    }

    private static bool IsWal(object? journalMode) =>
        string.Equals(journalMode as string, "wal", StringComparison.OrdinalIgnoreCase);
}
