using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerPortal.Infrastructure.Seeding;

/// <summary>The demo sign-ins printed by the console and the README.</summary>
public static class DemoAccounts
{
    public const string Password = "Demo!Pass2026";
    public const string ProCustomer = "ap@summitbuilders.example";
    public const string SecondCustomer = "office@alpineevents.example";
    public const string StandardCustomer = "billing@prairiefarms.example";
    public const string Staff = "support@customerportal.example";
    public const string LimitedStaff = "agent.rocky@customerportal.example";

    public static IReadOnlyList<(string Email, string Who)> All { get; } =
    [
        (ProCustomer, "customer contact of Summit Builders (Pro plan, 240+ invoices, multi-site invoices)"),
        (SecondCustomer, "customer contact of Alpine Events (Pro plan, a few invoices)"),
        (StandardCustomer, "customer contact of Prairie Farms (Standard plan: no online payment)"),
        (Staff, "support agent (all companies)"),
        (LimitedStaff, "support agent limited to Rocky Mountain Site Services"),
    ];
}

/// <summary>
/// Seeds a believable demo on an empty database (make-a-payment.md, "Demo data"). Deterministic: the same
/// invoices every time, with dates relative to the day it runs so some are overdue. Runs once: a database that has
/// any company is left alone.
/// </summary>
public sealed class DemoDataSeeder(
    AppDbContext db,
    UserManager<PortalUser> users,
    RoleManager<IdentityRole> roles,
    TimeProvider clock,
    ILogger<DemoDataSeeder> log)
{
    public async Task<bool> SeedAsync(CancellationToken ct = default)
    {
        if (await db.Companies.AnyAsync(ct)) return false;

        var rocky = new Company("Rocky Mountain Site Services",
            new Address("1200 Quarry Road", null, "Golden", "CO", "80401"), "America/Denver", "USD", Plan.Pro);
        var prairie = new Company("Prairie Portables",
            new Address("88 Grain Elevator Way", null, "Salina", "KS", "67401"), "America/Chicago", "USD",
            Plan.Standard);
        db.Companies.AddRange(rocky, prairie);
        await db.SaveChangesAsync(ct);

        var today = rocky.Today(clock);
        var summit = new Customer(rocky.Id, "CUST-1001", "1001", "Summit Builders LLC",
            new Address("455 Alpine Parkway", "Suite 300", "Denver", "CO", "80202"), ProCustomerEmail);
        var alpine = new Customer(rocky.Id, "CUST-1002", "1002", "Alpine Events Co.",
            new Address("19 Aspen Lane", null, "Boulder", "CO", "80302"), DemoAccounts.SecondCustomer);
        var farms = new Customer(prairie.Id, "CUST-2001", "2001", "Prairie Farms Cooperative",
            new Address("4 Wheatfield Road", null, "Abilene", "KS", "67410"), DemoAccounts.StandardCustomer);
        db.Customers.AddRange(summit, alpine, farms);
        await db.SaveChangesAsync(ct);

        var rng = new Random(20261126);
        var summitSites = await AddSitesAsync(summit.Id, SummitSiteNames, ct);
        var alpineSites = await AddSitesAsync(alpine.Id, ["Chautauqua Park Festival", "Pearl Street Market"], ct);
        var farmSites = await AddSitesAsync(farms.Id, ["North Barn", "Grain Terminal"], ct);

        // 240 single-site invoices for Summit, about one every 2 days going back from today: the oldest are overdue,
        // a few are partly paid.
        var number = 10000;
        for (var i = 0; i < 240; i++)
        {
            var invoiceDate = today.AddDays(-(480 - i * 2));
            var site = summitSites[i % summitSites.Count];
            var invoice = NewInvoice(summit.Id, site, ++number, invoiceDate, invoiceDate.AddDays(30), rng);
            db.Invoices.Add(invoice);
        }
        await db.SaveChangesAsync(ct);
        await PayPartlyAsync(summit.Id, every: 17, ct);

        // Multi-site invoices: monthly consolidated bills; one covers 32 sites.
        var msNumber = 500;
        var multiSiteSizes = new[] { 32, 6, 4, 3, 5 };
        for (var m = 0; m < multiSiteSizes.Length; m++)
        {
            var invoiceDate = today.AddDays(-20 - m * 30);
            var due = invoiceDate.AddDays(30);
            var parent = new MultiSiteInvoice(summit.Id, $"MS-{++msNumber}", $"MS-{msNumber}", invoiceDate, due);
            db.MultiSiteInvoices.Add(parent);
            await db.SaveChangesAsync(ct);
            var sitesForParent = multiSiteSizes[m] > summitSites.Count
                ? await AddSitesAsync(summit.Id,
                    Enumerable.Range(1, multiSiteSizes[m] - summitSites.Count)
                        .Select(k => $"Lot {k} – Meadowbrook Subdivision")
                        .ToList(),
                    ct, $"MS{msNumber}-")
                : [];
            var allSites = summitSites.Concat(sitesForParent).Take(multiSiteSizes[m]).ToList();
            foreach (var site in allSites)
            {
                var child = NewInvoice(summit.Id, site, ++number, invoiceDate, due, rng);
                parent.Adopt(child);
                db.Invoices.Add(child);
            }
            await db.SaveChangesAsync(ct);
        }

        for (var i = 0; i < 6; i++)
        {
            var invoiceDate = today.AddDays(-(75 - i * 12));
            db.Invoices.Add(NewInvoice(alpine.Id, alpineSites[i % alpineSites.Count], 30000 + i, invoiceDate,
                invoiceDate.AddDays(30), rng));
        }
        for (var i = 0; i < 4; i++)
        {
            var invoiceDate = today.AddDays(-(50 - i * 14));
            db.Invoices.Add(NewInvoice(farms.Id, farmSites[i % farmSites.Count], 40000 + i, invoiceDate,
                invoiceDate.AddDays(15), rng));
        }
        await db.SaveChangesAsync(ct);

        await CreateUserAsync(ProCustomerEmail, "Dana Whitfield", summit.Id, staff: false);
        await CreateUserAsync(DemoAccounts.SecondCustomer, "Marco Ruiz", alpine.Id, staff: false);
        await CreateUserAsync(DemoAccounts.StandardCustomer, "Inge Sørensen", farms.Id, staff: false);
        var staffUser = await CreateUserAsync(DemoAccounts.Staff, "Sam Support", null, staff: true);
        var limited = await CreateUserAsync(DemoAccounts.LimitedStaff, "Riley Agent", null, staff: true);
        db.StaffCompanyAccess.Add(new StaffCompanyAccess { UserId = limited.Id, CompanyId = rocky.Id });
        await db.SaveChangesAsync(ct);
        _ = staffUser;

        log.LogInformation("Seeded demo data: {Companies} companies, {Invoices} invoices",
            2, await db.Invoices.CountAsync(ct));
        return true;
    }

    private const string ProCustomerEmail = DemoAccounts.ProCustomer;

    private static readonly List<string> SummitSiteNames =
    [
        "Union Station Tower", "Cherry Creek Medical Plaza", "Highlands Ranch Elementary", "I-70 Bridge Repair",
        "Stapleton Lofts Phase 2", "Lakewood Water Treatment", "Café Olé Renovation",
    ];

    private async Task<List<Site>> AddSitesAsync(
        long customerId, IReadOnlyList<string> names, CancellationToken ct, string prefix = "")
    {
        var sites = names.Select((n, i) => new Site(customerId, $"SITE-{customerId}-{prefix}{i + 1}", n,
            new Address($"{100 + i * 10} Main Street", null, "Denver", "CO", "80202"))).ToList();
        db.Sites.AddRange(sites);
        await db.SaveChangesAsync(ct);
        return sites;
    }

    private static Invoice NewInvoice(
        long customerId, Site site, int number, DateOnly invoiceDate, DateOnly due, Random rng)
    {
        var units = rng.Next(1, 5);
        var unitPrice = 8500 + rng.Next(0, 60) * 250; // $85.00 … $232.50
        var lines = new List<InvoiceLine>
        {
            new("Standard portable restroom – weekly service", units, unitPrice, units * unitPrice),
        };
        if (rng.Next(3) == 0) lines.Add(new InvoiceLine("Hand-wash station rental", 1, 4500, 4500));
        if (rng.Next(5) == 0) lines.Add(new InvoiceLine("Delivery and pickup", 1, 7500, 7500));
        var subtotal = lines.Sum(l => l.AmountCents);
        var tax = subtotal * 29 / 1000; // 2.9 % sales tax, rounded down to the cent
        return new Invoice(customerId, site.Id, $"INV-{number}", $"INV-{number}", invoiceDate, due, tax, lines);
    }

    /// <summary>Marks some invoices partly paid, as if the back office had recorded checks against them.</summary>
    private async Task PayPartlyAsync(long customerId, int every, CancellationToken ct)
    {
        var invoices = await db.Invoices.Where(i => i.CustomerId == customerId).OrderBy(i => i.Id).ToListAsync(ct);
        for (var i = 3; i < invoices.Count; i += every)
        {
            var part = invoices[i].TotalCents / 2;
            invoices[i].ReservePending(part);
            invoices[i].SettlePending(part);
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task<PortalUser> CreateUserAsync(string email, string name, long? customerId, bool staff)
    {
        if (staff && !await roles.RoleExistsAsync(Roles.Staff)) await roles.CreateAsync(new IdentityRole(Roles.Staff));
        var user = new PortalUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CustomerId = customerId,
        };
        var result = await users.CreateAsync(user, DemoAccounts.Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Could not create demo user: "
                + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        if (staff) await users.AddToRoleAsync(user, Roles.Staff);
        return user;
    }
}
