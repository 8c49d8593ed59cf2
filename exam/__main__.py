from exam.cli import main

raise SystemExit(main())
