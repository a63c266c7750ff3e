using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// Checkpoints the portal's SQLite write-ahead log in the background, so no request pays for it, and keeps the query
/// planner's statistics current (<see cref="OptimizeAsync"/>).
/// <para>
/// By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that commit copies the log into
/// the database file and syncs it before it returns, and in this process the write gate (<see cref="SqliteWriteGate"/>)
/// is still held until the commit returns, so every writer queued behind it waits as well — the periodic stall behind
/// the page's and the payments' tail latency. Request connections now checkpoint only when the log has grown far past
/// that (<see cref="SqliteConnectionSettings.AutoCheckpointPages"/>, a safety net should this service stop), and this
/// service runs a PASSIVE checkpoint every <see cref="Interval"/>: it neither takes the write lock nor waits for
/// readers, and does what it can; the log is started over by the first writer after a checkpoint that reached its end,
/// as before.
/// </para>
/// </summary>
public sealed class SqliteCheckpointer(string connectionString, ILogger<SqliteCheckpointer> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often the query planner's statistics are refreshed (<see cref="OptimizeAsync"/>); also once at start.
    /// </summary>
    public static readonly TimeSpan OptimizeInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var nextOptimize = DateTimeOffset.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (DateTimeOffset.UtcNow >= nextOptimize)
                {
                    await OptimizeAsync(connectionString, stoppingToken);
                    nextOptimize = DateTimeOffset.UtcNow + OptimizeInterval;
                }
                await CheckpointAsync(connectionString, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
            {
                log.LogWarning(ex, "WAL checkpoint failed; the next one is in {Interval}", Interval);
            }
        }
    }

    /// <summary>
    /// Gives SQLite's query planner statistics (<c>PRAGMA optimize</c>: ANALYZE of the tables whose size changed a lot,
    /// bounded by <c>analysis_limit</c>), as SQLite recommends for long-running applications. Without them the planner
    /// guesses ~10 rows per key: it read a payment's invoices through the customer's index — every invoice of the
    /// customer, twice per payment — instead of by primary key (half the CPU of the payments benchmark).
    /// </summary>
    public static async Task OptimizeAsync(string connectionString, CancellationToken ct)
    {
        await using var db = new SqliteConnection(connectionString);
        await db.OpenAsync(ct);
        await using var cmd = db.CreateCommand();
        // A database never analyzed gets a full (sampled) ANALYZE; afterwards PRAGMA optimize re-analyzes what grew.
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
        var analyzed = Convert.ToInt64(
            await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
        cmd.CommandText = "PRAGMA analysis_limit = 1000; " + (analyzed ? "PRAGMA optimize = 0x10002;" : "ANALYZE;");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One PASSIVE checkpoint; returns (log frames, frames copied into the database), or null when not in WAL.
    /// </summary>
    public static async Task<(long LogFrames, long Checkpointed)?> CheckpointAsync(
        string connectionString, CancellationToken ct)
    {
        await using var db = new SqliteConnection(connectionString);
        await db.OpenAsync(ct);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var logFrames = reader.GetInt64(1);
        return logFrames < 0 ? null : (logFrames, reader.GetInt64(2));
    }
}
