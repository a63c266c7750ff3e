using CustomerPortal.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Infrastructure.Tests.Data;

/// <summary>The write gate queues a process's write transactions in order and always gives the gate back.</summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "cp-gate-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly SqliteWriteGate _gate = new();

    public async Task InitializeAsync()
    {
        await using var db = Context();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
        return Task.CompletedTask;
    }

    private SqliteAppDbContext Context() => new(new DbContextOptionsBuilder<SqliteAppDbContext>()
        .UseSqlite($"Data Source={_file}").AddInterceptors(new SqliteConnectionSettings(), _gate).Options);

    /// <summary>
    /// Whether a writer on another connection would wait now: it asks the gate for a transaction and gives up after a
    /// moment (a writer that gets one rolls it back at once).
    /// </summary>
    private async Task<bool> HeldAsync()
    {
        await using var probe = Context();
        using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
        try
        {
            await using var tx = await probe.Database.BeginTransactionAsync(patience.Token);
            await tx.RollbackAsync(CancellationToken.None);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    [Fact]
    public async Task ASecondWriterWaitsForTheFirstToCommitThenGoesOn()
    {
        await using var first = Context();
        await using var second = Context();
        var tx1 = await first.Database.BeginTransactionAsync();
        Assert.True(await HeldAsync());

        var waiting = second.Database.BeginTransactionAsync();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted); // queued behind the first, not failing and not running

        await first.Database.ExecuteSqlRawAsync(
            "INSERT INTO JobLeases (Name, Holder, ExpiresAt) VALUES ('a', 'one', 0)");
        await tx1.CommitAsync();
        await using var tx2 = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await second.Database.ExecuteSqlRawAsync(
            "INSERT INTO JobLeases (Name, Holder, ExpiresAt) VALUES ('b', 'two', 0)");
        await tx2.CommitAsync();
        await tx1.DisposeAsync();

        Assert.False(await HeldAsync());
        Assert.Equal(2,
            await first.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM JobLeases").SingleAsync());
    }

    [Fact]
    public async Task ARollbackGivesTheGateBack()
    {
        await using var db = Context();
        await using (var tx = await db.Database.BeginTransactionAsync()) await tx.RollbackAsync();
        Assert.False(await HeldAsync());
    }

    [Fact]
    public async Task
        ATransactionDisposedWithoutCommitNeverBlocksItsOwnConnectionAndIsGivenBackWhenTheConnectionCloses()
    {
        await using (var db = Context())
        {
            await db.Database.OpenConnectionAsync();
            await (await db.Database.BeginTransactionAsync()).DisposeAsync(); // neither commit nor rollback
            // Same connection: no wait.
            await using var again = await db.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));
            await again.CommitAsync();
            await (await db.Database.BeginTransactionAsync()).DisposeAsync();
            Assert.True(await HeldAsync());
        } // the context closes its connection
        Assert.False(await HeldAsync());

        await using var other = Context();
        await using var tx = await other.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await tx.CommitAsync();
        Assert.False(await HeldAsync());
    }

    [Fact]
    public async Task APooledContextReturnedWithATransactionLeftOpenGivesTheGateBack()
    {
        // The app pools its contexts: returning one to the pool closes its connection without EF's connection
        // interceptors, so the gate must see the close another way, or every later writer would wait out MaxWait.
        var services = new ServiceCollection()
            .AddDbContextPool<SqliteAppDbContext>(o => o
                .UseSqlite($"Data Source={_file}")
                .AddInterceptors(new SqliteConnectionSettings(), _gate));
        await using var provider = services.BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SqliteAppDbContext>();
            await db.Database.OpenConnectionAsync();
            await db.Database.BeginTransactionAsync(); // neither committed nor disposed: the request ends with it open
            Assert.True(await HeldAsync());
        } // the context goes back to the pool
        Assert.False(await HeldAsync());

        await using var other = Context();
        await using var tx = await other.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await tx.CommitAsync();
    }
}
