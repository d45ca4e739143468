using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LuckyGas.Api.Features.Auth;

/// <summary>The outcome of a sign-in.</summary>
public abstract record StaffSignInResult
{
    /// <summary>The request has invalid fields.</summary>
    public sealed record Invalid(Validation Validation) : StaffSignInResult;

    /// <summary>The credentials were rejected, for the reason in <paramref name="Detail"/>.</summary>
    public sealed record Rejected(string Detail) : StaffSignInResult;

    /// <summary>The user signed in and got a token.</summary>
    public sealed record SignedIn(StaffUser User, IssuedToken Token) : StaffSignInResult;
}

/// <summary>The outcome of creating a staff account.</summary>
public abstract record CreateStaffUserResult
{
    /// <summary>The request has invalid fields.</summary>
    public sealed record Invalid(Validation Validation) : CreateStaffUserResult;

    /// <summary>Another account has the user name.</summary>
    public sealed record Duplicate(string UserName) : CreateStaffUserResult;

    /// <summary>The account was created.</summary>
    public sealed record Created(StaffUser User) : CreateStaffUserResult;
}

/// <summary>The outcome of changing a staff account.</summary>
public abstract record UpdateStaffUserResult
{
    /// <summary>The request has invalid fields.</summary>
    public sealed record Invalid(Validation Validation) : UpdateStaffUserResult;

    /// <summary>No account has the id.</summary>
    public sealed record NotFound : UpdateStaffUserResult;

    /// <summary>The caller tried to demote or deactivate their own account.</summary>
    public sealed record SelfLockout : UpdateStaffUserResult;

    /// <summary>The caller's own account stopped being an active administrator before the change.</summary>
    public sealed record CallerNotAdmin : UpdateStaffUserResult;

    /// <summary>The account after the change.</summary>
    public sealed record Updated(StaffUser User) : UpdateStaffUserResult;
}

/// <summary>Signs staff in and manages staff accounts, on the primary.</summary>
public sealed partial class StaffAccountService(
    WriteDbContext database,
    StaffPasswords passwords,
    StaffTokenIssuer tokens,
    TimeProvider clock,
    ILogger<StaffAccountService> logger)
{
    /// <summary>The detail of every rejected sign-in, whether the user name or the password is wrong.</summary>
    public const string WrongCredentialsDetail = "The user name or password is incorrect.";

    /// <summary>
    /// Checks the credentials and issues a token. Reads the primary, so that an account created a
    /// moment ago can sign in at once.
    /// </summary>
    public async Task<StaffSignInResult> SignInAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.UserName), "userName", "userName is required.")
            .Require(!string.IsNullOrEmpty(request.Password), "password", "password is required.")
            .Require((request.Password?.Length ?? 0) <= StaffPasswords.MaxLength, "password",
                $"password must be at most {StaffPasswords.MaxLength} characters long.");
        if (!validation.IsValid)
        {
            return new StaffSignInResult.Invalid(validation);
        }

        var userName = StaffUserRules.NormalizeUserName(request.UserName!);
        var user = await database.StaffUsers
            .SingleOrDefaultAsync(candidate => candidate.UserName == userName, cancellationToken);

        // Unknown user names are checked against a placeholder hash, so that both failures take
        // the same time and return the same detail.
        var check = passwords.Check(user, request.Password!);
        if (user is null || check == PasswordCheck.Failed)
        {
            LogSignInFailed(logger, userName);
            return new StaffSignInResult.Rejected(WrongCredentialsDetail);
        }

        if (!user.Active)
        {
            LogSignInInactive(logger, user.Id, user.UserName);
            return new StaffSignInResult.Rejected("The account is deactivated. Ask an administrator to reactivate it.");
        }

        if (check == PasswordCheck.SucceededRehashNeeded)
        {
            user.PasswordHash = passwords.Hash(user, request.Password!);
            await database.SaveChangesAsync(cancellationToken);
            LogPasswordRehashed(logger, user.Id, user.UserName);
        }

        var token = tokens.Issue(user);
        LogSignedIn(logger, user.Id, user.UserName, user.Role);
        return new StaffSignInResult.SignedIn(user, token);
    }

    /// <summary>Validates and stores a new account, relying on the unique index to reject a taken user name.</summary>
    public async Task<CreateStaffUserResult> CreateAsync(
        CreateStaffUserRequest request, string caller, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        StaffUserRules.ValidateUserName(validation, request.UserName);
        StaffUserRules.ValidateDisplayName(validation, request.DisplayName);
        StaffUserRules.ValidatePassword(validation, request.Password);
        var role = StaffUserRules.ValidateRole(validation, request.Role, required: true);
        if (!validation.IsValid)
        {
            return new CreateStaffUserResult.Invalid(validation);
        }

        var user = new StaffUser
        {
            UserName = StaffUserRules.NormalizeUserName(request.UserName!),
            DisplayName = request.DisplayName!.Trim(),
            PasswordHash = "",
            Role = role!.Value,
            Active = true,
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = passwords.Hash(user, request.Password!);
        database.StaffUsers.Add(user);

        try
        {
            await database.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException
        {
            SqlState: PostgresErrorCodes.UniqueViolation,
        })
        {
            LogDuplicateUserName(logger, user.UserName, caller);
            return new CreateStaffUserResult.Duplicate(user.UserName);
        }

        LogUserCreated(logger, user.Id, user.UserName, user.Role, caller);
        return new CreateStaffUserResult.Created(user);
    }

    /// <summary>
    /// Changes an account's role or active flag. The caller's and the target's rows are locked in
    /// id order and read again, so that two administrators who demote each other at the same
    /// time cannot both succeed and leave no active administrator.
    /// </summary>
    public async Task<UpdateStaffUserResult> UpdateAsync(
        long id, UpdateStaffUserRequest request, long callerId, string caller, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Require(request.Role is not null || request.Active is not null, "role",
                "role or active is required, because a request without either changes nothing.");
        var newRole = StaffUserRules.ValidateRole(validation, request.Role, required: false);
        if (!validation.IsValid)
        {
            return new UpdateStaffUserResult.Invalid(validation);
        }

        var demotesSelf = newRole is not null && newRole != StaffRole.Admin;
        var deactivatesSelf = request.Active == false;
        if (id == callerId && (demotesSelf || deactivatesSelf))
        {
            LogSelfLockoutRejected(logger, callerId, caller);
            return new UpdateStaffUserResult.SelfLockout();
        }

        // The connection retries transient failures (a failover, say) by running the whole
        // transaction again. Each attempt reads the rows afresh and tracks nothing.
        var strategy = database.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            token => UpdateInTransactionAsync(id, newRole, request.Active, callerId, caller, token), cancellationToken);
    }

    private async Task<UpdateStaffUserResult> UpdateInTransactionAsync(
        long id, StaffRole? newRole, bool? newActive, long callerId, string caller, CancellationToken cancellationToken)
    {
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);

        long[] ids = [callerId, id];
        var rows = await database.StaffUsers
            .FromSql($"SELECT * FROM staff_users WHERE id = ANY({ids}) ORDER BY id FOR UPDATE")
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        var callerRow = rows.SingleOrDefault(row => row.Id == callerId);
        if (callerRow is not { Active: true, Role: StaffRole.Admin })
        {
            LogCallerNoLongerAdmin(logger, callerId, caller);
            return new UpdateStaffUserResult.CallerNotAdmin();
        }

        var user = rows.SingleOrDefault(row => row.Id == id);
        if (user is null)
        {
            return new UpdateStaffUserResult.NotFound();
        }

        var oldRole = user.Role;
        var oldActive = user.Active;
        user.Role = newRole ?? user.Role;
        user.Active = newActive ?? user.Active;

        // The rows above are read without tracking, because a copy tracked earlier in the request
        // would hide the locked values. So the change is written with one UPDATE.
        await database.StaffUsers
            .Where(row => row.Id == id)
            .ExecuteUpdateAsync(setters => setters
                .SetProperty(row => row.Role, user.Role)
                .SetProperty(row => row.Active, user.Active), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogUserUpdated(logger, user.Id, user.UserName, oldRole, user.Role, oldActive, user.Active, caller);
        return new UpdateStaffUserResult.Updated(user);
    }

    [LoggerMessage(EventId = 3000, EventName = "StaffSignedIn", Level = LogLevel.Information,
        Message = "Staff user {UserId} ({UserName}) signed in as {Role}")]
    private static partial void LogSignedIn(ILogger logger, long userId, string userName, StaffRole role);

    [LoggerMessage(EventId = 3001, EventName = "StaffSignInFailed", Level = LogLevel.Warning,
        Message = "Rejected a sign-in for user name {UserName}: unknown user name or wrong password")]
    private static partial void LogSignInFailed(ILogger logger, string userName);

    [LoggerMessage(EventId = 3002, EventName = "StaffSignInInactive", Level = LogLevel.Warning,
        Message = "Rejected a sign-in for deactivated staff user {UserId} ({UserName})")]
    private static partial void LogSignInInactive(ILogger logger, long userId, string userName);

    [LoggerMessage(EventId = 3003, EventName = "StaffPasswordRehashed", Level = LogLevel.Information,
        Message = "Replaced the password hash of staff user {UserId} ({UserName}) with one in the current format")]
    private static partial void LogPasswordRehashed(ILogger logger, long userId, string userName);

    [LoggerMessage(EventId = 3004, EventName = "StaffUserCreated", Level = LogLevel.Information,
        Message = "Created staff user {UserId} ({UserName}) with role {Role}, by {Caller}")]
    private static partial void LogUserCreated(
        ILogger logger, long userId, string userName, StaffRole role, string caller);

    [LoggerMessage(EventId = 3005, EventName = "StaffUserNameTaken", Level = LogLevel.Information,
        Message = "Rejected a new staff user from {Caller}: user name {UserName} is taken")]
    private static partial void LogDuplicateUserName(ILogger logger, string userName, string caller);

    [LoggerMessage(EventId = 3006, EventName = "StaffUserUpdated", Level = LogLevel.Information,
        Message = "Changed staff user {UserId} ({UserName}) from role {OldRole}, active {OldActive} " +
            "to role {NewRole}, active {NewActive}, by {Caller}")]
    private static partial void LogUserUpdated(
        ILogger logger, long userId, string userName, StaffRole oldRole, StaffRole newRole, bool oldActive,
        bool newActive, string caller);

    [LoggerMessage(EventId = 3007, EventName = "StaffSelfLockoutRejected", Level = LogLevel.Warning,
        Message = "Rejected a change by administrator {UserId} ({Caller}) " +
            "that would demote or deactivate their own account")]
    private static partial void LogSelfLockoutRejected(ILogger logger, long userId, string caller);

    [LoggerMessage(EventId = 3008, EventName = "StaffCallerNoLongerAdmin", Level = LogLevel.Warning,
        Message = "Rejected a change by staff user {UserId} ({Caller}), who is no longer an active administrator")]
    private static partial void LogCallerNoLongerAdmin(ILogger logger, long userId, string caller);
}
