using CustomerPortal.Domain.Customers;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api.Customers;

public sealed record CustomerRequest(
    string? AccountNumber, string? Name, AddressDto? BillingAddress, string? ContactEmail);

public sealed record CustomerView(
    string Id, string AccountNumber, string Name, AddressDto BillingAddress, string? ContactEmail);

public sealed record SiteRequest(string? CustomerId, string? Name, AddressDto? Address);

public sealed record SiteView(string Id, string CustomerId, string Name, AddressDto Address);

/// <summary>What an upsert did: the back office may send the same body again and again.</summary>
public enum UpsertOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>
/// Customers and their sites, addressed by the back office's ids, always within the caller's company.
/// </summary>
public sealed class CustomerApiService(AppDbContext db)
{
    public async Task<(CustomerView View, UpsertOutcome Outcome)> UpsertCustomerAsync(
        long companyId, string routeId, CustomerRequest body, CancellationToken ct)
    {
        var errors = new ApiErrors();
        var externalId = ApiValidation.ExternalId(errors, "id", routeId);
        var account = ApiValidation.Text(errors, "accountNumber", body.AccountNumber, 50);
        var name = ApiValidation.Text(errors, "name", body.Name, 200);
        var address = ApiValidation.Address(errors, "billingAddress", body.BillingAddress);
        var email = ApiValidation.Email(errors, "contactEmail", body.ContactEmail, required: false);
        errors.ThrowIfAny();

        var customer = await db.Customers
            .SingleOrDefaultAsync(c => c.CompanyId == companyId && c.ExternalId == externalId, ct);
        var accountTaken = await db.Customers.AnyAsync(
            c => c.CompanyId == companyId && c.AccountNumber == account && c.ExternalId != externalId, ct);
        if (accountTaken)
            errors.Conflict("accountNumber", $"Account number {account} is already used by another customer.");
        errors.ThrowIfAny();

        UpsertOutcome outcome;
        if (customer is null)
        {
            customer = new Customer(companyId, externalId!, account!, name!, address!, email);
            db.Customers.Add(customer);
            outcome = UpsertOutcome.Created;
        }
        else if (customer.AccountNumber == account && customer.Name == name && customer.BillingAddress == address
            && customer.ContactEmail == email)
        {
            outcome = UpsertOutcome.Unchanged;
        }
        else
        {
            customer.Update(account!, name!, address!, email);
            outcome = UpsertOutcome.Updated;
        }
        if (outcome != UpsertOutcome.Unchanged) await db.SaveChangesAsync(ct);
        return (ToView(customer), outcome);
    }

    public async Task<CustomerView> GetCustomerAsync(long companyId, string routeId, CancellationToken ct)
    {
        var id = ApiValidation.RouteId(routeId, "customer");
        var customer = await db.Customers.AsNoTracking()
            .SingleOrDefaultAsync(c => c.CompanyId == companyId && c.ExternalId == id, ct)
            ?? throw ApiProblem.NotFound($"No customer with id '{id}'.");
        return ToView(customer);
    }

    /// <summary>The portal's id of a customer of the company, or 404.</summary>
    public async Task<long> CustomerKeyAsync(long companyId, string routeId, CancellationToken ct)
    {
        var id = ApiValidation.RouteId(routeId, "customer");
        var key = await db.Customers.AsNoTracking()
            .Where(c => c.CompanyId == companyId && c.ExternalId == id)
            .Select(c => (long?)c.Id)
            .SingleOrDefaultAsync(ct);
        return key ?? throw ApiProblem.NotFound($"No customer with id '{id}'.");
    }

    public async Task<(SiteView View, UpsertOutcome Outcome)> UpsertSiteAsync(
        long companyId, string routeId, SiteRequest body, CancellationToken ct)
    {
        var errors = new ApiErrors();
        var externalId = ApiValidation.ExternalId(errors, "id", routeId);
        var customerId = ApiValidation.ExternalId(errors, "customerId", body.CustomerId);
        var name = ApiValidation.Text(errors, "name", body.Name, 200);
        var address = ApiValidation.Address(errors, "address", body.Address);
        errors.ThrowIfAny();

        var customer = await db.Customers.AsNoTracking()
            .Where(c => c.CompanyId == companyId && c.ExternalId == customerId)
            .Select(c => new { c.Id })
            .SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            errors.Rule("customerId", $"No customer with id '{customerId}'. Send the customer first.");
            errors.ThrowIfAny();
        }

        var site = await (from s in db.Sites
                          join c in db.Customers on s.CustomerId equals c.Id
                          where c.CompanyId == companyId && s.ExternalId == externalId
                          orderby s.Id
                          select s).FirstOrDefaultAsync(ct);
        UpsertOutcome outcome;
        if (site is null)
        {
            site = new Site(customer!.Id, externalId!, name!, address!);
            db.Sites.Add(site);
            outcome = UpsertOutcome.Created;
        }
        else if (site.CustomerId != customer!.Id)
        {
            throw ApiProblem.Conflict(
                $"Site '{externalId}' belongs to another customer; a site cannot move between customers.");
        }
        else if (site.Name == name && site.Address == address)
        {
            outcome = UpsertOutcome.Unchanged;
        }
        else
        {
            site.Update(name!, address!);
            outcome = UpsertOutcome.Updated;
        }
        if (outcome != UpsertOutcome.Unchanged) await db.SaveChangesAsync(ct);
        return (new SiteView(site.ExternalId, customerId!, site.Name, AddressDto.From(site.Address)), outcome);
    }

    public async Task<SiteView> GetSiteAsync(long companyId, string routeId, CancellationToken ct)
    {
        var id = ApiValidation.RouteId(routeId, "site");
        var found = await (from s in db.Sites.AsNoTracking()
                           join c in db.Customers.AsNoTracking() on s.CustomerId equals c.Id
                           where c.CompanyId == companyId && s.ExternalId == id
                           orderby s.Id
                           select new { Site = s, CustomerId = c.ExternalId }).FirstOrDefaultAsync(ct)
            ?? throw ApiProblem.NotFound($"No site with id '{id}'.");
        return new SiteView(
            found.Site.ExternalId, found.CustomerId, found.Site.Name, AddressDto.From(found.Site.Address));
    }

    private static CustomerView ToView(Customer c) =>
        new(c.ExternalId, c.AccountNumber, c.Name, AddressDto.From(c.BillingAddress), c.ContactEmail);
}
