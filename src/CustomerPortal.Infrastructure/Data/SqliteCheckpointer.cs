using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// Checkpoints the portal's SQLite write-ahead log in the background, so no request pays for it.
/// <para>
/// By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that commit copies the log into
/// the database file and syncs it before it returns, and in this process the write gate (<see cref="SqliteWriteGate"/>)
/// is still held until the commit returns, so every writer queued behind it waits as well — the periodic stall behind the
/// page's and the payments' tail latency. Request connections now checkpoint only when the log has grown far past that
/// (<see cref="SqliteConnectionSettings.AutoCheckpointPages"/>, a safety net should this service stop), and this service
/// runs a PASSIVE checkpoint every <see cref="Interval"/>: it neither takes the write lock nor waits for readers, and does
/// what it can; the log is started over by the first writer after a checkpoint that reached its end, as before.
/// </para>
/// </summary>
public sealed class SqliteCheckpointer(string connectionString, ILogger<SqliteCheckpointer> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
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

    /// <summary>One PASSIVE checkpoint; returns (log frames, frames copied into the database), or null when not in WAL.</summary>
    public static async Task<(long LogFrames, long Checkpointed)?> CheckpointAsync(string connectionString, CancellationToken ct)
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
