console.log('cli build: not yet');
