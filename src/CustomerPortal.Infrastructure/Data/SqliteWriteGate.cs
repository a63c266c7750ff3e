using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// Queues this process's write transactions on the portal's SQLite file in front of SQLite's own lock. SQLite allows
/// one writer at a time: a transaction (BEGIN IMMEDIATE) that finds the lock taken is retried by SQLite's busy handler
/// with sleeps that grow to 100 ms, so under 16 concurrent writers a payment could wait several 100 ms sleeps while the
/// lock was free most of the time — the long tail of the payments benchmark. Here a writer waits asynchronously, in
/// arrival order, and starts as soon as the previous transaction of this process commits or rolls back; it holds no
/// thread while it waits. Other processes on the same file still meet SQLite's lock and busy timeout as before, and
/// SQLite still decides who writes: the gate only orders this process's own writers.
/// <para>
/// Released when the transaction commits, rolls back or fails, and — as a safety net — when its connection closes (a
/// transaction disposed without either; a later transaction on the same connection goes on holding it, never waits for
/// itself). The close is seen through the connection's StateChange event as well as EF's interceptors: a pooled context
/// going back to the pool closes its connection without the interceptors. One request uses one connection (one scoped
/// context), so a request never waits for its own gate. A transaction that waits longer than <see cref="MaxWait"/>
/// fails with a clear message instead of waiting forever (as SQLite's busy timeout would).
/// </para>
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, object> _holders = new();
    // A completed transaction forgets its connection.
    private readonly ConditionalWeakTable<DbTransaction, DbConnection> _connections = new();
    private readonly ConditionalWeakTable<DbConnection, object> _watched = new();

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        // This connection's earlier transaction ended without commit or rollback.
        if (_holders.TryGetValue(connection, out _)) return result;
        if (!_gate.Wait(MaxWait)) throw TimedOut();
        _holders.AddOrUpdate(connection, this);
        Watch(connection);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        // This connection's earlier transaction ended without commit or rollback.
        if (_holders.TryGetValue(connection, out _)) return result;
        if (!await _gate.WaitAsync(MaxWait, cancellationToken)) throw TimedOut();
        _holders.AddOrUpdate(connection, this);
        Watch(connection);
        return result;
    }

    public DbTransaction TransactionStarted(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        _connections.AddOrUpdate(result, connection);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        _connections.AddOrUpdate(result, connection);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Release(transaction);

    public Task TransactionCommittedAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Release(transaction);

    public Task TransactionRolledBackAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        Release(transaction);

    public Task TransactionFailedAsync(
        DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(transaction);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (an exception between BEGIN and COMMIT) is rolled back by
    // SQLite when its connection closes; the gate is given back then at the latest.
    public InterceptionResult ConnectionClosing(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    // EF closes a pooled context's connection when the context goes back to the pool without the connection
    // interceptors above: the connection's own StateChange event is told of every close, whoever closes it.
    private void Watch(DbConnection connection)
    {
        if (_watched.TryGetValue(connection, out _)) return;
        _watched.AddOrUpdate(connection, this);
        connection.StateChange += (sender, e) =>
        {
            if (e.CurrentState == System.Data.ConnectionState.Closed && sender is DbConnection closed) Release(closed);
        };
    }

    private void Release(DbTransaction? transaction)
    {
        if (transaction is not null && _connections.TryGetValue(transaction, out var connection))
        {
            _connections.Remove(transaction);
            Release(connection);
        }
    }

    private void Release(DbConnection? connection)
    {
        if (connection is not null && _holders.Remove(connection)) _gate.Release();
    }

    private static TimeoutException TimedOut() => new(
        $"A database write waited more than {MaxWait.TotalSeconds:0} s for the other writes of this process "
        + "(SQLite allows one writer at a time).");
}
