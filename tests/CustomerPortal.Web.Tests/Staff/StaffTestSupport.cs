using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Shared;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CustomerPortal.Web.Tests.Staff;

public static partial class StaffSteps
{
    /// <summary>
    /// Starts view-as the way the search page's button does; returns the response (302 to the landing on success).
    /// </summary>
    public static async Task<HttpResponseMessage> StartViewAsAsync(PortalClient client, long customerId) =>
        await client.PostAsync($"/staff/customers/{customerId}/view-as", tokenPage: "/staff/customers");

    public static async Task LeaveViewAsAsync(PortalClient client)
    {
        var response = await client.PostAsync("/staff/view-as/leave", tokenPage: "/welcome");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The rendered main section without the per-user antiforgery tokens.</summary>
    public static string MainSection(IHtmlDocument page)
    {
        var main = page.QuerySelector("main") ?? throw new InvalidOperationException("no <main>");
        foreach (var token in main.QuerySelectorAll("input[name=__RequestVerificationToken]").ToList()) token.Remove();
        return Whitespace().Replace(main.InnerHtml, " ").Trim();
    }

    /// <summary>
    /// Every row of every table of the SQLite file, except the audit log (which a refused request adds to) and SQLite's
    /// own tables (sequences, planner statistics).
    /// </summary>
    public static string Snapshot(PortalFactory factory) => Snapshot(factory.DatabasePath);

    /// <summary>Every row of every table of the SQLite file at <paramref name="databasePath"/> (as above).</summary>
    public static string Snapshot(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            // SQLite's own tables (sqlite_sequence, the planner's sqlite_stat1 that the background service writes) are
            // not app data.
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'AuditEntries' "
                + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            text.Append("## ").AppendLine(table);
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i)
                        ? "∅"
                        : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))
                        .Append('|');
                }
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
