"""The shop's deployment to AWS, behind scripts/deploy, scripts/destroy and scripts/smoke.

One module per job: `target` (what to deploy where, parsed once), `preflight` (the checks
before anything is created), `terraform` (the staged configuration, its state and runs),
`emulator` (what a local AWS emulator cannot serve), `image` (the projector's image into ECR),
`site` (the storefront into its bucket), `users` (the first admin), `catalog` (the seed
catalog through the API), `smoke` (a shopper's order end to end), `teardown` (destroy) and
`report` (what the user reads). `deploy` and `destroy` put them in order.
"""
