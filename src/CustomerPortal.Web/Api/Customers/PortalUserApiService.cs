using CustomerPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api.Customers;

/// <summary>
/// A sign-in for a customer contact. Without <see cref="Password"/> the contact is invited: the sign-in is created
/// without a password and the answer carries a one-time set-password token for the back office to send on.
/// </summary>
public sealed record PortalUserRequest(string? Email, string? DisplayName, string? Password);

public sealed record PortalUserView(
    string UserId, string Email, string DisplayName, string CustomerId, bool HasPassword, string? SetPasswordToken);

/// <summary>Creates sign-ins for customer contacts. Repeating a request for the same contact changes nothing.</summary>
public sealed class PortalUserApiService(UserManager<PortalUser> users, CustomerApiService customers)
{
    public async Task<(PortalUserView View, UpsertOutcome Outcome)> InviteAsync(
        long companyId, string customerRouteId, PortalUserRequest body, CancellationToken ct)
    {
        var customerKey = await customers.CustomerKeyAsync(companyId, customerRouteId, ct);
        var errors = new ApiErrors();
        var email = ApiValidation.Email(errors, "email", body.Email, required: true);
        var name = ApiValidation.Text(errors, "displayName", body.DisplayName, 200);
        if (body.Password is { Length: > 128 }) errors.Add("password", "At most 128 characters.");
        errors.ThrowIfAny();

        var normalized = users.NormalizeEmail(email);
        var existing = await users.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (existing is not null)
        {
            // Says nothing about whose sign-in it is when it is not this customer's.
            if (existing.CustomerId != customerKey)
                throw ApiProblem.Conflict($"{email} already has a sign-in for another account.");
            return (
                new PortalUserView(existing.Id, existing.Email ?? email!, existing.DisplayName, customerRouteId,
                    existing.PasswordHash is not null, null),
                UpsertOutcome.Unchanged);
        }

        var user = new PortalUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = name!, CustomerId = customerKey,
        };
        var created = body.Password is { Length: > 0 } password
            ? await users.CreateAsync(user, password)
            : await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                errors.Add(error.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email",
                    error.Description);
            }
            errors.ThrowIfAny();
        }
        string? token = null;
        if (user.PasswordHash is null) token = await users.GeneratePasswordResetTokenAsync(user);
        return (
            new PortalUserView(
                user.Id, email!, user.DisplayName, customerRouteId, user.PasswordHash is not null, token),
            UpsertOutcome.Created);
    }
}
