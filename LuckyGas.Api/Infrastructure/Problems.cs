using Microsoft.AspNetCore.Http.HttpResults;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Problem responses that several features return.</summary>
public static class Problems
{
    /// <summary>Returns the 404 problem for a <paramref name="resource"/>, such as "order", with an unknown id.</summary>
    public static ProblemHttpResult NotFound(string resource, long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: $"The {resource} was not found.",
        detail: $"No {resource} has id {id}.");
}
