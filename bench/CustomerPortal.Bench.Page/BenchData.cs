using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CustomerPortal.Bench.Page;

/// <summary>
/// The bench's customers, written with plain SQL into the database the portal seeded, while the portal runs: the
/// triggers on Invoices see every row (CustomerInvoiceTotals and the invoices version stay exact).
/// </summary>
internal static class BenchData
{
    public const string Password = "Demo!Pass2026";

    /// <summary>
    /// "5k": the demo customer 1001 (240 single-site and 5 multi-site invoices of its own) with 5,000 open single-site
    /// invoices and 100 multi-site invoices of 20 children added, as the bench has always measured it.
    /// </summary>
    public static long AddFiveThousand(SqliteConnection c, SqliteTransaction tx)
    {
        var customerId = Scalar(c, tx, "SELECT Id FROM Customers WHERE AccountNumber = '1001'");
        var siteId = Scalar(c, tx, $"SELECT MIN(Id) FROM Sites WHERE CustomerId = {customerId}");
        var invoices = new InvoiceWriter(c, tx, customerId, new Random(5000));
        var start = new DateOnly(2019, 1, 1);
        for (var i = 0; i < 5000; i++)
        {
            var d = start.AddDays(i / 3);
            invoices.Add(siteId, null, $"B-{i:D5}", d, d.AddDays(30));
        }
        AddMultiSite(c, tx, customerId, "BMS", start, invoices, _ => siteId);
        return customerId;
    }

    /// <summary>
    /// "50k": a new customer of the same company (Pro plan) with 8 sites and 50,000 open single-site invoices of the
    /// same shape as 1001's: 240 recent ones like the demo's (one every 2 days back from today, due in 30 days, so
    /// the newest are not yet due; every 17th half paid) and 49,760 older ones from 2019 on (30 a day, all overdue),
    /// over the sites in turn; and the same 100 multi-site invoices of 20 children.
    /// </summary>
    public static long AddFiftyThousand(SqliteConnection c, SqliteTransaction tx, DateOnly today)
    {
        var customerId = CopyRow(c, tx, "Customers", "AccountNumber = '1001'", new()
        {
            ["ExternalId"] = "CUST-BENCH-50K", ["AccountNumber"] = "5050", ["Name"] = "Fifty Thousand Rentals Inc.",
            ["ContactEmail"] = "ap@fiftythousand.example", ["ProcessorCustomerId"] = null,
        });
        var sites = new List<long>();
        for (var s = 0; s < 8; s++)
        {
            sites.Add(CopyRow(c, tx, "Sites", $"CustomerId = (SELECT Id FROM Customers WHERE AccountNumber = '1001')",
                new()
                {
                    ["CustomerId"] = customerId, ["ExternalId"] = $"SITE-BENCH-50K-{s + 1}",
                    ["Name"] = $"Fifty Site {s + 1} – {SiteNames[s]}",
                }));
        }
        var invoices = new InvoiceWriter(c, tx, customerId, new Random(50000));
        for (var i = 0; i < 240; i++)
        {
            var d = today.AddDays(-(480 - i * 2));
            invoices.Add(sites[i % sites.Count], null, $"F-R{i:D3}", d, d.AddDays(30), halfPaid: i % 17 == 3);
        }
        var start = new DateOnly(2019, 1, 1);
        for (var i = 0; i < 49_760; i++)
        {
            var d = start.AddDays(i / 30);
            invoices.Add(sites[i % sites.Count], null, $"F-{i:D5}", d, d.AddDays(30));
        }
        AddMultiSite(c, tx, customerId, "FMS", start, invoices, k => sites[k % sites.Count]);
        return customerId;
    }

    private static readonly string[] SiteNames =
    [
        "Harbor Point", "Riverside Depot", "Mesa Verde Plaza", "North Yard", "Canyon Ridge", "Lakeshore Commons",
        "Old Mill Lofts", "Airport Logistics Park",
    ];

    private static void AddMultiSite(SqliteConnection c, SqliteTransaction tx, long customerId, string prefix,
        DateOnly start, InvoiceWriter invoices, Func<int, long> siteOf)
    {
        for (var p = 0; p < 100; p++)
        {
            var d = start.AddDays(p * 15);
            Execute(c, tx,
                "INSERT INTO MultiSiteInvoices (CustomerId, ExternalId, Number, InvoiceDate, DueDate, IsVoid) " +
                $"VALUES ({customerId}, '{prefix}-{p}', '{prefix}-{p:D3}', '{Day(d)}', '{Day(d.AddDays(30))}', 0)");
            var parentId = Scalar(c, tx, "SELECT last_insert_rowid()");
            for (var k = 0; k < 20; k++) invoices.Add(siteOf(k), parentId, $"{prefix}-{p:D3}-{k:D2}", d, d.AddDays(30));
        }
    }

    /// <summary>Sign-ins for the customer, with the demo contact's password hash (<see cref="Password"/>).</summary>
    public static List<string> AddUsers(SqliteConnection c, SqliteTransaction tx, long customerId, string prefix,
        string domain, int count)
    {
        var emails = new List<string>();
        for (var w = 0; w < count; w++)
        {
            var email = $"{prefix}{w}@{domain}";
            Execute(c, tx,
                "INSERT INTO AspNetUsers (Id, DisplayName, CustomerId, UserName, NormalizedUserName, Email, " +
                "NormalizedEmail, EmailConfirmed, PasswordHash, SecurityStamp, ConcurrencyStamp, " +
                "PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount) " +
                $"SELECT '{Guid.NewGuid()}', 'Bench {w}', {customerId}, '{email}', '{email.ToUpperInvariant()}', " +
                $"'{email}', '{email.ToUpperInvariant()}', 1, PasswordHash, '{Guid.NewGuid():N}', " +
                $"'{Guid.NewGuid()}', 0, 0, 0, 0 FROM AspNetUsers WHERE NormalizedEmail = 'AP@SUMMITBUILDERS.EXAMPLE'");
            emails.Add(email);
        }
        return emails;
    }

    /// <summary>What the triggers stored for the customer: open invoices and open single-site invoices.</summary>
    public static (long Open, long OpenSingleSite) StoredCounts(SqliteConnection c, long customerId)
    {
        using var r = new SqliteCommand(
            $"SELECT OpenCount, OpenSingleSiteCount FROM CustomerInvoiceTotals WHERE CustomerId = {customerId}", c)
            .ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetInt64(1)) : (0, 0);
    }

    /// <summary>The customer's 200 oldest open single-site invoices, in the page's default order.</summary>
    public static List<long> OldestIds(SqliteConnection c, long customerId)
    {
        using var r = new SqliteCommand(
            $"SELECT Id FROM Invoices WHERE CustomerId = {customerId} AND MultiSiteInvoiceId IS NULL AND " +
            "BalanceCents > 0 AND IsVoid = 0 ORDER BY InvoiceDate, DueDate, Number, Id LIMIT 200", c).ExecuteReader();
        var ids = new List<long>();
        while (r.Read()) ids.Add(r.GetInt64(0));
        return ids;
    }

    /// <summary>
    /// Copies one row of <paramref name="table"/> (all its columns, whatever the migrations added) with some set
    /// to new values; returns the new row's id.
    /// </summary>
    private static long CopyRow(SqliteConnection c, SqliteTransaction tx, string table, string where,
        Dictionary<string, object?> set)
    {
        var columns = new List<string>();
        using (var info = new SqliteCommand($"PRAGMA table_info(\"{table}\")", c, tx).ExecuteReader())
        {
            while (info.Read()) if (info.GetString(1) != "Id") columns.Add(info.GetString(1));
        }
        if (set.Keys.FirstOrDefault(k => !columns.Contains(k)) is { } missing)
            throw new InvalidOperationException($"{table} has no column {missing}");
        using var copy = new SqliteCommand { Connection = c, Transaction = tx };
        foreach (var (name, value) in set) copy.Parameters.AddWithValue("$" + name, value ?? DBNull.Value);
        copy.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(n => $"\"{n}\""))}) " +
            $"SELECT {string.Join(", ", columns.Select(n => set.ContainsKey(n) ? "$" + n : $"\"{n}\""))} " +
            $"FROM \"{table}\" WHERE {where} ORDER BY Id LIMIT 1";
        if (copy.ExecuteNonQuery() != 1) throw new InvalidOperationException($"No {table} row where {where}");
        return Scalar(c, tx, "SELECT last_insert_rowid()");
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static long Scalar(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var command = new SqliteCommand(sql, c, tx);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var command = new SqliteCommand(sql, c, tx);
        command.ExecuteNonQuery();
    }

    /// <summary>One prepared INSERT for a customer's invoices: open, not void, totals $50.00–$1,049.99.</summary>
    private sealed class InvoiceWriter
    {
        private readonly SqliteCommand _insert;
        private readonly Random _rng;

        public InvoiceWriter(SqliteConnection c, SqliteTransaction tx, long customerId, Random rng)
        {
            _rng = rng;
            _insert = new SqliteCommand(
                "INSERT INTO Invoices (CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate, " +
                "DueDate, SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid, " +
                "Version) " +
                "VALUES ($c, $s, $m, $n, $n, $d, $due, $t, 0, $t, $paid, 0, $balance, 0, 1)", c, tx);
            foreach (var name in new[] { "$c", "$s", "$m", "$n", "$d", "$due", "$t", "$paid", "$balance" })
                _insert.Parameters.Add(new SqliteParameter(name, null));
            _insert.Parameters["$c"].Value = customerId;
        }

        public void Add(long siteId, long? parent, string number, DateOnly date, DateOnly due, bool halfPaid = false)
        {
            var total = 5_000 + _rng.Next(0, 100_000);
            var paid = halfPaid ? total / 2 : 0;
            _insert.Parameters["$s"].Value = siteId;
            _insert.Parameters["$m"].Value = (object?)parent ?? DBNull.Value;
            _insert.Parameters["$n"].Value = number;
            _insert.Parameters["$d"].Value = Day(date);
            _insert.Parameters["$due"].Value = Day(due);
            _insert.Parameters["$t"].Value = total;
            _insert.Parameters["$paid"].Value = paid;
            _insert.Parameters["$balance"].Value = total - paid;
            _insert.ExecuteNonQuery();
        }
    }
}
