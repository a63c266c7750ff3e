using CustomerPortal.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Infrastructure.Tests.Data;

/// <summary>
/// The background checkpoint copies the write-ahead log into the database, which request connections leave to it.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "cp-ckpt-" + Guid.NewGuid().ToString("N") + ".db");

    // Pooling=False throughout: clearing every pool (SqliteConnection.ClearAllPools) would close the pooled connections
    // of test classes running in parallel, and SQLite then deletes their -wal/-shm files under them.
    public void Dispose()
    {
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" }) File.Delete(f);
    }

    [Fact]
    public async Task APassiveCheckpointCopiesEveryCommittedFrameThatCommitsLeftInTheLog()
    {
        var cs = $"Data Source={_file};Pooling=False";
        // The writer stays open throughout: SQLite checkpoints and removes the log when the last connection closes.
        await using var writer = new SqliteConnection(cs);
        await writer.OpenAsync();
        await using (var cmd = writer.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode=WAL; " +
                              $"PRAGMA wal_autocheckpoint = {SqliteConnectionSettings.AutoCheckpointPages}; " +
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
        await using var count = writer.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t";
        Assert.Equal(50L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ADatabaseNotInWalHasNothingToCheckpoint()
    {
        var cs = $"Data Source={_file};Pooling=False";
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

/// <summary>
/// Without statistics SQLite's planner read a payment's invoices through the customer's index instead of by key.
/// </summary>
public sealed class SqliteOptimizeTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "cp-opt-" + Guid.NewGuid().ToString("N") + ".db");

    public async Task InitializeAsync()
    {
        await using var db = new SqliteAppDbContext(
            new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<SqliteAppDbContext>()
                .UseSqlite($"Data Source={_file};Pooling=False").Options);
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(db.Database);
    }

    public Task DisposeAsync()
    {
        File.Delete(_file);
        return Task.CompletedTask;
    }

    // The shape of the payment planner's query (named invoices of one customer, ids as one JSON parameter).
    private const string PlannerQuery = """
        EXPLAIN QUERY PLAN SELECT "i"."Id" FROM "Invoices" AS "i"
        WHERE "i"."CustomerId" = 1 AND "i"."Id" IN (SELECT "j"."value" FROM json_each('[1500]') AS "j")
          AND NOT ("i"."IsVoid") AND "i"."PaidCents" < "i"."TotalCents"
        """;

    [Fact]
    public async Task AfterOptimizeThePlannerReadsNamedInvoicesByPrimaryKey()
    {
        var cs = $"Data Source={_file};Foreign Keys=False;Pooling=False";
        await using (var db = new SqliteConnection(cs))
        {
            await db.OpenAsync();
            await using var tx = db.BeginTransaction();
            await using var insert = db.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText =
                "INSERT INTO Invoices (CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate, " +
                "DueDate, SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid, " +
                "Version) " +
                "VALUES ($c, 1, NULL, $n, $n, '2026-01-01', '2026-02-01', 100, 0, 100, 0, 0, 100, 0, 1)";
            insert.Parameters.AddWithValue("$c", 0L);
            insert.Parameters.AddWithValue("$n", "");
            for (var n = 0; n < 3000; n++)
            {
                insert.Parameters["$c"].Value = 1 + n % 2;
                insert.Parameters["$n"].Value = "INV-" + n;
                await insert.ExecuteNonQueryAsync();
            }
            tx.Commit();
        }

        async Task<string> PlanAsync()
        {
            await using var db = new SqliteConnection(cs);
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = PlannerQuery;
            await using var reader = await cmd.ExecuteReaderAsync();
            var lines = new List<string>();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
            return string.Join(" | ", lines);
        }

        // What it did without statistics.
        Assert.Contains("(CustomerId=?)", await PlanAsync(), StringComparison.Ordinal);

        await SqliteCheckpointer.OptimizeAsync(cs, CancellationToken.None);

        var plan = await PlanAsync();
        Assert.Contains("USING INTEGER PRIMARY KEY", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("(CustomerId=?)", plan, StringComparison.Ordinal);
        // Analyzed already: PRAGMA optimize, no error.
        await SqliteCheckpointer.OptimizeAsync(cs, CancellationToken.None);
    }
}
