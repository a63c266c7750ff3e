using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// Counts the SQL commands the app sends, to show a page costs the same number of round trips whatever the data.
/// </summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;
    private int _queries;

    /// <summary>Every command (reads and writes).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Reads only (SELECT): what a page render and the rules cost.</summary>
    public int Queries => Volatile.Read(ref _queries);

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _queries, 0);
        Texts.Clear();
    }

    /// <summary>The text of every command since the last reset (for a failing test's message).</summary>
    public ConcurrentQueue<string> Texts { get; } = new();

    private void Record(DbCommand command)
    {
        Texts.Enqueue(command.CommandText.Length > 120 ? command.CommandText[..120] : command.CommandText);
        Interlocked.Increment(ref _count);
        if (command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            Interlocked.Increment(ref _queries);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>Counts the times EF opens a connection.</summary>
internal sealed class OpenCounter : DbConnectionInterceptor
{
    private int _opens;

    public int Opens => Volatile.Read(ref _opens);

    public void Reset() => Interlocked.Exchange(ref _opens, 0);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Interlocked.Increment(ref _opens);

    public override Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _opens);
        return Task.CompletedTask;
    }
}
