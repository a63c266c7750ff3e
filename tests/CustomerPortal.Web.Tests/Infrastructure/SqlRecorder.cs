using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>
/// Keeps the text of every query (reads) the app sends: what requests really run, for the SQL checks
/// (<see cref="PortalFactory.WithDbInterceptors"/>).
/// </summary>
internal sealed partial class SqlRecorder : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> _texts = new();

    public IReadOnlyCollection<string> Texts => _texts;

    public void Clear() => _texts.Clear();

    /// <summary>The one query sent since the last <see cref="Clear"/> that has all of <paramref
    /// name="parts"/>.</summary>
    public string Single(params string[] parts)
    {
        var found = _texts.Distinct().Where(t => parts.All(p => t.Contains(p, StringComparison.Ordinal))).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException(
                $"{found.Count} queries have {string.Join(" + ", parts)}:\n{string.Join("\n---\n", _texts)}");
    }

    /// <summary>SQLite's plan for a query the app sent, one line per step (its parameters bound to 0).</summary>
    public static async Task<string> PlanAsync(AppDbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync();
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in ParameterName().Matches(sql).Select(m => m.Value).Distinct())
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = 0;
            cmd.Parameters.Add(parameter);
        }
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex ParameterName();

    private void Record(DbCommand command)
    {
        if (command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            _texts.Enqueue(command.CommandText);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }
}
