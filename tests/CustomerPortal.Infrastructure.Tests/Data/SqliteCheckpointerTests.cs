using CustomerPortal.Infrastructure.Data;
using Microsoft.Data.Sqlite;

namespace CustomerPortal.Infrastructure.Tests.Data;

/// <summary>The background checkpoint copies the write-ahead log into the database, which request connections leave to it.</summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "cp-ckpt-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" }) File.Delete(f);
    }

    [Fact]
    public async Task APassiveCheckpointCopiesEveryCommittedFrameThatCommitsLeftInTheLog()
    {
        var cs = $"Data Source={_file}";
        await using (var db = new SqliteConnection(cs))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint = {SqliteConnectionSettings.AutoCheckpointPages}; " +
                              "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);";
            await cmd.ExecuteNonQueryAsync();
            for (var n = 0; n < 50; n++)
            {
                cmd.CommandText = $"INSERT INTO t (v) VALUES ('{new string('x', 2000)}');";
                await cmd.ExecuteNonQueryAsync();
            }
        }
        Assert.True(new FileInfo(_file + "-wal").Length > 50 * 2000); // the commits stayed in the log

        var result = await SqliteCheckpointer.CheckpointAsync(cs, CancellationToken.None);

        Assert.NotNull(result);
        Assert.True(result.Value.LogFrames > 0);
        Assert.Equal(result.Value.LogFrames, result.Value.Checkpointed);
        await using var check = new SqliteConnection($"Data Source={_file};Mode=ReadOnly");
        await check.OpenAsync();
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t";
        Assert.Equal(50L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ADatabaseNotInWalHasNothingToCheckpoint()
    {
        var cs = $"Data Source={_file}";
        await using (var db = new SqliteConnection(cs))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY);";
            await cmd.ExecuteNonQueryAsync();
        }
        Assert.Null(await SqliteCheckpointer.CheckpointAsync(cs, CancellationToken.None));
    }
}
